"""Every UI string in Chinese and English, in one catalogue (data labels come from the graph)."""

from __future__ import annotations

from bpss_kg.place_names import romanised_names

MESSAGES: dict[str, tuple[str, str]] = {  # key: (zh, en)
    "site.title": ("基本公共服务标准化知识图谱", "Basic public service standardization graph"),
    "site.short": ("基本公共服务标准化", "BPSS knowledge graph"),
    "nav.home": ("首页", "Home"),
    "nav.national_list": ("国家清单", "National list"),
    "nav.ontology": ("本体", "Ontology"),
    "nav.compare": ("县域对比", "Compare"),
    "nav.query": ("SPARQL 查询", "SPARQL query"),
    "nav.switch": ("English", "中文"),
    "nav.switch_title": ("Switch to English", "切换到中文"),
    "nav.skip": ("跳到正文", "Skip to content"),
    "search.placeholder": ("搜索县、标准、项目、机构（中文或英文）",
                           "Search counties, standards, items, organisations (Chinese or English)"),
    "search.button": ("搜索", "Search"),
    "search.label": ("搜索", "Search"),
    "search.title": ("搜索", "Search"),
    "search.results": ("“{q}”的搜索结果：{n} 条", "{n} results for “{q}”"),
    "search.none": ("没有找到匹配的资源。", "Nothing matches."),
    "search.empty": ("请输入要搜索的名称、编号或代码。", "Type a name, a number or a code to search."),
    "search.facets": ("筛选", "Narrow down"),
    "search.facet_kind": ("类型", "Type"),
    "search.facet_province": ("省份", "Province"),
    "search.facet_data": ("县域数据", "County data"),
    "search.has_data": ("有标准体系数据", "with a standard system"),
    "search.no_data": ("尚无数据", "no data yet"),
    "search.all": ("全部", "all"),
    "search.bad_kind": ("类型“{kind}”不存在。", "There is no type “{kind}”."),
    "search.bad_province": ("省份代码应为两位数字（如 37），而不是“{province}”。",
                            "A province code has two digits (e.g. 37), not “{province}”."),
    "search.bad_data": ("data 只能是 yes 或 no，而不是“{data}”。",
                        "data is yes or no, not “{data}”."),
    "kind.county": ("县（区）", "County"),
    "kind.standard": ("标准", "Standard"),
    "kind.item": ("服务项目", "Service item"),
    "kind.organisation": ("机构", "Organisation"),
    "kind.division": ("行政区", "Division"),
    "kind.category": ("领域/大类", "Area / category"),
    "kind.system": ("标准体系", "Standard system"),
    "kind.indicator": ("指标", "Indicator"),
    "kind.agreement": ("协同协议", "Coordination agreement"),
    "kind.other": ("其他", "Other"),
    "match.exact": ("完全匹配", "exact"),
    "match.prefix": ("前缀匹配", "prefix"),
    "match.substring": ("包含", "contains"),
    "home.intro": ("本知识图谱汇集国家基本公共服务标准清单、县域基本公共服务标准体系、指标与协同协议，"
                   "可按名称搜索、逐县浏览与对比。",
                   "This graph holds the national list of basic public services, county standard "
                   "systems, indicators and coordination agreements: search by name, browse and "
                   "compare counties."),
    "home.import": ("县级标准化办公室：导入标准明细表", "County offices: import a standard detail table"),
    "home.data": ("数据目录与下载", "Data catalog and downloads"),
    "home.query": ("SPARQL 查询", "SPARQL query"),
    "home.counties": ("县域标准体系", "County standard systems"),
    "home.standards": ("标准", "Standards"),
    "home.items": ("国家清单项目位置", "National list positions"),
    "home.placeholders": ("其中待补 {n} 项", "{n} still to be completed (待补)"),
    "home.validation": ("最近一次校验", "Latest validation"),
    "home.no_validation": ("尚无校验记录", "No validation run stored yet"),
    "home.validation_summary": ("{time}：{units} 个单元，{failing} 个不符合",
                                "{time}: {units} units checked, {failing} not conforming"),
    "home.county_list": ("县域列表", "Counties"),
    "home.compare_hint": ("勾选两到四个县进行对比。", "Tick two to four counties to compare them."),
    "home.compare_button": ("对比所选县", "Compare selected"),
    "table.code": ("代码", "Code"),
    "table.name": ("名称", "Name"),
    "table.province": ("省份", "Province"),
    "table.select": ("选择", "Select"),
    "page.prev": ("上一页", "Previous"),
    "page.next": ("下一页", "Next"),
    "page.of": ("第 {page} / {pages} 页", "Page {page} of {pages}"),
    "resource.types": ("类型", "Types"),
    "resource.properties": ("属性", "Properties"),
    "resource.incoming": ("被引用（{n}）", "Linked from ({n})"),
    "resource.no_incoming": ("没有其他资源链接到此资源。", "Nothing links here."),
    "resource.graphs": ("所在命名图", "Named graphs"),
    "resource.download": ("下载：", "Download:"),
    "resource.truncated": ("属性过多，仅显示前 {n} 条。", "Too many values; the first {n} are shown."),
    "resource.subject": ("资源", "Resource"),
    "resource.property": ("属性", "Property"),
    "resource.county_dashboard": ("查看县域看板", "Open the county dashboard"),
    "neighbour.title": ("关系图", "Neighbourhood"),
    "neighbour.explain": ("本标准代替的和代替本标准的标准、规范性引用（双向）、实施的服务项目及所属标准体系。点击节点打开其页面。",
                          "What this standard supersedes and what replaces it, its normative "
                          "references (both ways), the service items it implements and the "
                          "systems it belongs to. Click a node to open its page."),
    "neighbour.supersedes": ("代替", "supersedes"),
    "neighbour.replacedBy": ("被代替为", "replaced by"),
    "neighbour.references": ("规范性引用", "cites"),
    "neighbour.referencedBy": ("被引用于", "cited by"),
    "neighbour.implements": ("实施项目", "implements"),
    "neighbour.inSystem": ("所属体系", "in system"),
    "neighbour.this": ("本标准", "this standard"),
    "ontology.title": ("本体浏览", "Ontology"),
    "ontology.classes": ("类（{n}）", "Classes ({n})"),
    "ontology.properties": ("属性（{n}）", "Properties ({n})"),
    "ontology.kind": ("种类", "Kind"),
    "ontology.domain": ("定义域", "Domain"),
    "ontology.range": ("值域", "Range"),
    "ontology.definition": ("定义", "Definition"),
    "ontology.kind.object": ("对象属性", "object"),
    "ontology.kind.datatype": ("数据属性", "datatype"),
    "ontology.kind.annotation": ("注释属性", "annotation"),
    "national.title": ("国家基本公共服务标准（2023年版）清单", "National basic public service list (2023)"),
    "national.summary": ("{areas} 个领域、{items} 个项目位置（其中 {placeholders} 项待补）；"
                         "共 {counties} 个县域标准体系。",
                         "{areas} areas, {items} item positions ({placeholders} still 待补, to be "
                         "completed); {counties} county standard systems in the graph."),
    "national.number": ("序号", "No."),
    "national.item": ("项目", "Item"),
    "national.counties": ("覆盖县数", "Counties covering"),
    "national.placeholder_note": ("待补：名称与属性尚无来源，待官方清单补全。",
                                  "待补 (to be completed): the name and attributes are not in our "
                                  "sources yet."),
    "placeholder": ("待补", "to be completed (待补)"),
    "placeholder.short": ("待补", "TBC"),
    "catalog.publisher_unconfigured": ("bpss-kg 部署方（未配置发布者）",
                                       "the bpss-kg deployment (no publisher configured)"),
    "unofficial.mark": ("非官方译名", "unofficial translation"),
    "county.coverage_translations": (
        "英文服务项目名称为本项目的工作译名，非官方名称；悬停可见全名及官方中文名。",
        "The English item names are working translations made by bpss-kg, not official names "
        "(no official English names are published); point at a cell for the full name with "
        "the official Chinese name."),
    "unofficial.title": ("本项目拟的工作译名，未发布官方英文名称；官方名称为中文名。",
                         "A working translation made by the bpss-kg project "
                         "(bpss:workingTranslation in the data): no official English name is "
                         "published; the official name is the Chinese one beside it."),
    "county.title": ("{name} 县域看板", "{name}: county dashboard"),
    "county.synthetic": ("注意：本县数据为合成示例数据，非官方数据。",
                         "Note: this county's data is a synthetic sample, not official data."),
    "county.system": ("标准体系", "Standard system"),
    "county.no_system": ("图谱中尚无该县的标准体系。", "The graph holds no standard system for this county."),
    "county.standards_total": ("标准 {n} 项", "{n} standards"),
    "county.subsystem_summary": ("{n} 项标准，{f} 项现行", "{n} standards, {f} in force"),
    "county.no_standards": ("（无）", "(none)"),
    "county.unclassified": ("未标注类别的标准", "Standards without a kind"),
    "county.number": ("标准编号", "Number"),
    "county.system_number": ("体系编号", "System no."),
    "county.standard_title": ("标准名称", "Title"),
    "county.status": ("状态", "Status"),
    "county.coverage": ("国家清单项目覆盖", "Coverage of the national list"),
    "county.coverage_summary": ("已命名项目覆盖 {c} / {t}；全部 81 个位置中有标准实施的 {a} 个。",
                                "Named items covered: {c} of {t}; positions with a standard among "
                                "all 81: {a}."),
    "county.state.covered": ("有标准实施", "implemented by a standard"),
    "county.state.declared": ("已声明、无标准", "declared, no standard"),
    "county.state.justified": ("说明未覆盖理由", "not covered, reason given"),
    "county.state.missing": ("未覆盖", "not covered"),
    "county.standards_n": ("{n} 项标准", "{n} standard(s)"),
    "county.indicators": ("指标与国家基准", "Indicators against national baselines"),
    "county.indicator": ("指标", "Indicator"),
    "county.year": ("年份", "Year"),
    "county.value": ("本县数值", "County value"),
    "county.baseline": ("国家基准", "National baseline"),
    "county.meets": ("是否达标", "Meets baseline"),
    "county.meets.yes": ("达标", "meets"),
    "county.meets.no": ("未达标", "below baseline"),
    "county.meets.unknown": ("无基准", "no baseline"),
    "county.direction.at-least": ("不低于", "at least"),
    "county.direction.at-most": ("不高于", "at most"),
    "county.no_indicators": ("暂无指标观测值。", "No indicator observations."),
    "county.baseline_note": ("说明：内置国家基准为合成占位值，尚无来源。",
                             "Note: the bundled national baselines are synthetic placeholders; no "
                             "source gives them yet."),
    "county.agreements": ("协同协议", "Coordination agreements"),
    "county.partners": ("协同县", "Partner counties"),
    "county.items": ("协同项目", "Items"),
    "county.valid": ("有效期", "Valid"),
    "county.no_agreements": ("暂无协同协议。", "No coordination agreements."),
    "county.findings": ("最近一次校验发现", "Latest validation findings"),
    "county.no_run": ("尚无校验记录（运行 bpss-kg validate 后显示）。",
                      "No validation run stored yet (run bpss-kg validate)."),
    "county.no_findings": ("最近一次校验（{run}）未发现本县问题。",
                           "The latest validation run ({run}) found nothing for this county."),
    "county.findings_of": ("校验运行 {run}", "Validation run {run}"),
    "county.severity": ("严重程度", "Severity"),
    "county.shape": ("规则", "Rule"),
    "county.focus": ("对象", "Focus"),
    "county.message": ("说明", "Message"),
    "county.compare_with": ("与其他县对比", "Compare with other counties"),
    "editions.title": ("版本记录", "Editions"),
    "editions.page_title": ("{name}标准体系的版本", "Editions of {name}'s standard system"),
    "editions.explain": ("每一次被接受的写入（导入、图存储、SPARQL 更新）都是县域图的一个版本，"
                         "记录时间、写入者和变更的三元组（系统时间，而非标准生效时间）。",
                         "Every accepted write (import, Graph Store, SPARQL Update) is an edition "
                         "of the county's graph, with when, who and the triples changed (system "
                         "time, not when a standard is in force)."),
    "editions.none": ("尚无版本记录（自经由 bpss-kg 的第一次写入起记录）。",
                      "No editions yet (recorded from the first write through bpss-kg on)."),
    "editions.all": ("全部 {n} 个版本及其差异", "All {n} editions and their differences"),
    "editions.number": ("版本", "Edition"),
    "editions.time": ("时间（UTC）", "Time (UTC)"),
    "editions.who": ("写入者", "Who"),
    "editions.action": ("操作", "Action"),
    "editions.changes": ("新增 / 删除三元组", "Triples added / removed"),
    "editions.first": ("首个版本（{n} 个三元组）", "First edition ({n} triples)"),
    "editions.show_diff": ("与上一版比较", "Compare with the previous"),
    "editions.diff_title": ("第 {a} 版 → 第 {b} 版的变化", "Changes from edition {a} to {b}"),
    "editions.from": ("自版本", "From edition"),
    "editions.to": ("至版本", "To edition"),
    "editions.compare": ("比较", "Compare"),
    "editions.same": ("两个版本的明细表相同。", "The two editions state the same table."),
    "editions.timeline": ("版本时间线", "Timeline of editions"),
    "severity.Violation": ("违规", "Violation"),
    "severity.Warning": ("警告", "Warning"),
    "severity.Info": ("提示", "Info"),
    "chart.value": ("本县", "County"),
    "chart.baseline": ("国家基准", "National baseline"),
    "chart.named_covered": ("已命名项目覆盖数", "Named items covered"),
    "chart.all_covered": ("有标准实施的位置数", "Positions with a standard"),
    "compare.title": ("县域对比", "Compare counties"),
    "compare.form": ("输入两到四个县的代码，用逗号或空格分隔（例如 370502, 370503）。",
                     "Enter two to four county codes separated by commas or spaces (e.g. 370502, 370503)."),
    "compare.counties": ("县代码", "County codes"),
    "compare.pick_more": ("已选 {n} 个县；请再输入一到三个县的代码，然后点击“对比”。",
                          "{n} county chosen; add one to three more county codes, then Compare."),
    "compare.too_many": ("已选 {n} 个县；一次最多对比四个县，请删去多余的代码。",
                         "{n} counties chosen; at most four can be compared at once, remove some."),
    "compare.go": ("对比", "Compare"),
    "compare.csv": ("下载 CSV", "Download CSV"),
    "compare.csv_items": ("下载项目对比 CSV", "Download items CSV"),
    "compare.csv_indicators": ("下载指标对比 CSV", "Download indicators CSV"),
    "compare.bad_part": ("part 只能是 {parts}，而不是“{part}”。", "part is one of {parts}, not “{part}”."),
    "compare.coverage": ("项目覆盖", "Item coverage"),
    "compare.items": ("逐项对比（单元格为实施该项目的标准数）",
                      "Item by item (cells: standards implementing the item)"),
    "compare.indicators": ("逐指标对比（最新年份）", "Indicator by indicator (latest year)"),
    "compare.placeholders": ("待补位置（{n} 个，名称尚无来源）",
                             "Positions still to be completed, 待补 ({n}; names not in our sources)"),
    "query.title": ("SPARQL 查询", "SPARQL query"),
    "query.library": ("查询库", "Query library"),
    "query.pick": ("选择一个查询载入编辑器：", "Pick a query to load into the editor:"),
    "query.params": ("参数", "Parameters"),
    "query.api": ("JSON 接口", "JSON API"),
    "query.help": ("在编辑器中按 Ctrl+Enter 或点击运行按钮执行查询；查询在 /sparql 上只读执行，有时间和行数限制。",
                   "Press Ctrl+Enter or the run button to execute; queries run read-only on "
                   "/sparql with time and row limits."),
    "query.own": ("— 自己编写的查询 —", "— a query of my own —"),
    "query.bound": ("运行时这些值作为变量绑定传给查询（不改动查询文本）；留空的可选参数匹配所有值。",
                    "on run these values are bound to the query's variables (the text is not "
                    "edited); an optional parameter left empty matches every value."),
    "query.required": ("必填", "required"),
    "query.run": ("用这些参数运行", "Run with these values"),
    "query.permalink": ("本查询的永久链接", "Permalink to this query"),
    "query.unbound": ("未绑定的参数变量会匹配所有值。", "Unbound parameter variables match every value."),
    "query.input.query": ("SPARQL 查询文本", "SPARQL query text"),
    "query.input.tab": ("查询标签页名称", "Query tab name"),
    "query.input.endpoint": ("SPARQL 端点地址", "SPARQL endpoint URL"),
    "query.input.page_size": ("每页行数", "Rows per page"),
    "query.input.filter": ("筛选结果", "Filter the results"),
    "query.input.field": ("查询编辑器输入框", "Query editor field"),
    "error.title": ("出错了", "Something went wrong"),
    "error.back": ("返回首页", "Back to the home page"),
    "error.no_page": ("本站没有地址为 {path} 的页面。可从首页浏览，或在上方搜索县、标准和项目。",
                      "There is no page at {path}. Browse from the home page, or search for "
                      "counties, standards and items above."),
    "error.kind.BadInput": ("请求无法处理：参数或提交的内容有误。",
                            "The request could not be processed: a parameter or the content "
                            "sent is not valid."),
    "error.kind.NotFound": ("未找到所请求的内容。", "What was asked for does not exist."),
    "error.kind.QueryTimeout": ("查询超时，已停止。请缩小查询范围后重试。",
                                "The query ran too long and was stopped; narrow it and try "
                                "again."),
    "error.kind.ResultTooLarge": ("结果过大，未能返回。请缩小查询范围或使用数据下载。",
                                  "The result is too large to return; narrow the query or use "
                                  "the downloads."),
    "error.kind.StoreError": ("数据存储暂时不可用，请稍后再试。",
                              "The data store is not available at the moment; try again later."),
    "error.kind.Forbidden": ("无权执行此操作。", "This action is not permitted."),
    "error.kind.TooManyRequests": ("请求过于频繁，请稍后再试。",
                                   "Too many requests; try again later."),
    "error.kind.NotAcceptable": ("无法以所请求的格式提供。",
                                 "The answer cannot be given in the format asked for."),
    "error.kind.other": ("处理请求时出错。", "The request could not be completed."),
    "error.detail_en": ("详情（英文）：", "Details: "),
    "error.detail": ("详情：", "Details: "),
    "error.no_method": ("地址 {path} 不接受这种请求方法。", "{path} does not accept this method."),
    "footer.data": ("示例与生成数据均标注为合成数据（bpss:isSynthetic），非官方数据。",
                    "Sample and generated data are marked synthetic (bpss:isSynthetic) and are "
                    "not official."),
    "nav.import": ("导入明细表", "Import a table"),
    "nav.data": ("数据下载", "Data"),
    "import.title": ("导入标准明细表", "Import a standard detail table"),
    "import.intro": ("上传本县的标准明细表（.xlsx 或 .csv），先检查表格并查看校验报告，确认后用写入令牌导入。",
                     "Upload your county's standard detail table (.xlsx or .csv): check it and read "
                     "the validation report first, then import it with your write token."),
    "import.template": ("下载空白模板", "Download the blank template"),
    "import.county": ("县级行政区划代码（GB/T 2260，六位）", "County code (GB/T 2260, six digits)"),
    "import.file": ("标准明细表（.xlsx / .csv）", "Standard detail table (.xlsx / .csv)"),
    "import.choose_again": ("浏览器不能保留已选的文件：再次检查或导入前请重新选择文件。",
                            "Browsers cannot keep a chosen file: choose the file again before you "
                            "check or import once more."),
    "import.indicators": ("指标表（可选）", "Indicator table (optional)"),
    "import.token": ("写入令牌（导入时需要）", "Write token (needed to import)"),
    "import.check": ("检查", "Check"),
    "import.import": ("导入", "Import"),
    "import.bad_county": ("县级行政区划代码应为六位数字，而不是“{county}”。",
                          "A county code has six digits, not “{county}”."),
    "import.unreadable": ("无法读取上传的表格：{reason}", "The upload cannot be read: {reason}"),
    "import.table_check": ("第一步：表格检查", "Step 1: table check"),
    "import.problems": ("表格有 {n} 个问题，请在表格中改正后重新上传。",
                        "The table has {n} problem(s); correct them in the table and upload it again."),
    "import.table_ok": ("表格无误：{s} 项标准，{o} 个指标值。",
                        "The table reads cleanly: {s} standard(s), {o} indicator value(s)."),
    "import.warnings": ("{n} 条提示（不影响导入）", "{n} note(s) (do not stop the import)"),
    "import.sheet": ("工作表", "Sheet"),
    "import.row": ("行", "Row"),
    "import.column": ("列", "Column"),
    "import.value": ("值", "Value"),
    "import.reason": ("原因", "Reason"),
    "import.import_step": ("第二步：导入", "Step 2: import"),
    "import.fix_table_first": ("表格有问题，先改正表格。", "The table has problems; correct it first."),
    "import.writes_disabled": ("本服务未开启写入（未配置令牌）。",
                               "This service does not accept writes (no token is configured)."),
    "import.no_token": ("请填写令牌。", "Enter a token."),
    "import.bad_token": ("令牌错误或已撤销。", "The token is wrong or has been revoked."),
    "import.forbidden": ("此令牌无权写入本县：{reason}", "This token may not write this county: {reason}"),
    "import.nothing_written": ("未导入任何数据。", "Nothing was imported."),
    "import.written": ("已导入：县域图现有 {n} 个三元组。",
                       "Imported: the county graph now holds {n} triples."),
    "import.open_dashboard": ("查看县域看板", "Open the county dashboard"),
    "import.validation": ("校验报告（导入后的县域图）", "Validation report (the county graph after the import)"),
    "import.conforms": ("符合全部校验规则。", "Conforms to every rule."),
    "import.findings_summary": ("共 {n} 项发现，其中违规 {v} 项。每行说明对象、规则、如何改正及其在表格中的位置。",
                                "{n} finding(s), {v} violation(s). Each row names the thing, the "
                                "rule, how to fix it and where it is in the table."),
    "findings.value": ("涉及", "Concerns"),
    "findings.fix": ("如何改正", "How to fix"),
    "findings.where": ("表格位置", "In the table"),
    "findings.sheet_row": ("{sheet} 第 {row} 行", "{sheet}, row {row}"),
    "findings.no_row": ("（不在表中）", "(not in the table)"),
    "synthetic.banner": ("注意：本县数据含合成示例数据（bpss:isSynthetic），非官方数据。",
                         "Note: this county's data includes synthetic sample data "
                         "(bpss:isSynthetic); it is not official."),
    "synthetic.resource": ("注意：此资源为合成示例数据（bpss:isSynthetic），非官方数据。",
                           "Note: this resource is synthetic sample data (bpss:isSynthetic), not "
                           "official."),
    "county.import": ("导入本县明细表", "Import this county's table"),
    "county.download": ("下载本县数据：", "Download this county's data:"),
    "county.download_csv": ("明细表 CSV", "Table CSV"),
    "county.download_xlsx": ("明细表 XLSX", "Table XLSX"),
    "county.download_ttl": ("RDF Turtle", "RDF Turtle"),
    "footer.catalog": ("数据目录 (DCAT)", "Data catalog (DCAT)"),
    "footer.void": ("VoID 描述", "VoID description"),
    "footer.dumps": ("全部数据下载", "Full dump"),
    "footer.import": ("导入明细表", "Import a table"),
    "catalog.title": ("数据目录", "Data catalog"),
    "catalog.intro": ("本服务发布的数据集（DCAT）：国家层、本体、各县标准体系与校验报告，每个数据集可下载多种 RDF 格式，也可通过 SPARQL 查询。",
                      "The datasets this service publishes (DCAT): the national layer, the "
                      "ontology, each county's standard system and the validation reports, each "
                      "downloadable in several RDF syntaxes and queryable through SPARQL."),
    "catalog.machine": ("机器可读：", "Machine-readable:"),
    "catalog.publisher": ("发布者：", "Publisher:"),
    "catalog.dataset": ("数据集", "Dataset"),
    "catalog.downloads": ("下载", "Downloads"),
    "void.title": ("VoID 数据集统计", "VoID dataset statistics"),
    "void.intro": ("每个命名图的三元组、主语、类和属性数量；全部共 {n} 个三元组。",
                   "Triples, distinct subjects, classes and properties of each named graph; {n} "
                   "triples in all."),
    "void.graph": ("命名图", "Named graph"),
    "void.triples": ("三元组", "Triples"),
    "void.subjects": ("主语", "Subjects"),
    "void.classes": ("类", "Classes"),
    "void.properties": ("属性", "Properties"),
    "sparql.title": ("SPARQL 1.1 端点", "SPARQL 1.1 endpoint"),
    "sparql.intro": ("此地址按 SPARQL 1.1 协议回答查询（GET 或 POST，参数 query）。在浏览器中可用查询编辑器；程序可按 Accept 头取得结果或本服务描述。",
                     "This address answers queries by the SPARQL 1.1 Protocol (GET or POST, "
                     "parameter query). People use the query editor; programs get results or "
                     "this service description by their Accept header."),
    "sparql.editor": ("打开查询编辑器", "Open the query editor"),
    "sparql.endpoint": ("端点地址", "Endpoint URL"),
    "sparql.update": ("更新端点（需令牌）", "Update endpoint (token required)"),
    "sparql.no_update": ("未开启（未配置令牌）", "not enabled (no token configured)"),
    "sparql.features": ("功能", "Features"),
    "sparql.formats": ("结果格式", "Result formats"),
    "sparql.graphs": ("命名图（{n}）", "Named graphs ({n})"),
    "sparql.description": ("服务描述：", "Service description:"),
    "sparql.example": ("示例：", "Example:"),
    "footer.sparql": ("SPARQL 端点", "SPARQL endpoint"),
    "footer.api": ("查询接口", "Query API"),
}


# Units as the data writes them (Chinese) and in English; a unit not listed is shown as written.
UNITS: dict[str, str] = {"天": "days", "人": "persons", "元": "yuan", "万元": "10,000 yuan",
                         "个": "", "次": "times", "年": "years", "小时": "hours",
                         "人次": "person-times", "张": "beds", "所": "institutions"}


# Chinese help for the library queries' parameters: the .rq headers give it in English only.
PARAMETER_HELP_ZH: dict[str, str] = {
    "the date to judge against": "判断所依据的日期",
    "agreements ending before this date": "截止日期早于此日期的协议",
    "GB/T 2260 code of one county (optional)": "一个县的 GB/T 2260 代码（可选）",
    "one county (optional)": "一个县（可选）",
    "GB/T 2260 code of the county": "县的 GB/T 2260 代码",
    "first county": "第一个县", "second county": "第二个县",
    "third county (optional)": "第三个县（可选）", "fourth county (optional)": "第四个县（可选）",
    "one indicator IRI (optional)": "一个指标的 IRI（可选）",
    "the service item": "服务项目", "the item IRI": "项目的 IRI",
    "GB/T 2260 code of one province, e.g. 370000 (optional)":
        "一个省的 GB/T 2260 代码，如 370000（可选）",
    "one province (optional)": "一个省（可选）",
    "editions on or after this date (UTC)": "此日期（UTC）及之后的版本",
    "one year, e.g. 2024 (optional)": "一个年份，如 2024（可选）",
    "reference year": "参考年份",
}
PARAMETER_TYPES_ZH = {"date": "日期", "place": "行政区代码", "iri": "IRI", "year": "年份",
                      "decimal": "数值", "integer": "整数", "string": "文本"}


def parameter_help(description: str, lang: str) -> str:
    """A library parameter's help in the UI language (English as written when untranslated)."""
    return PARAMETER_HELP_ZH.get(description, description) if lang == "zh" else description


def unit_text(unit: str, lang: str) -> str:
    """A unit in the UI language (the data's units are Chinese)."""
    return UNITS.get(unit, unit) if lang == "en" else unit


# The 55 minority peoples as autonomous areas name them (族 left off), longest first, so that
# 黔东南苗族侗族自治州 reads "Qiandongnan Miao Dong Autonomous Prefecture", not one long word.
_PEOPLES = sorted((
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家",
    "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇",
    "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米",
    "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙",
    "鄂伦春", "赫哲", "门巴", "珞巴", "基诺"), key=len, reverse=True)
_AUTONOMOUS = (("自治区", "Autonomous Region"), ("自治州", "Autonomous Prefecture"),
               ("自治县", "Autonomous County"), ("自治旗", "Autonomous Banner"))


def _autonomous_label(name: str) -> str | None:
    """An autonomous area's (or an ethnic district's) generated English name, each people a
    word of its own (新疆维吾尔自治区 → Xinjiang Weiwu'er Autonomous Region); None for other
    names, and for one that is the people's name alone (鄂伦春自治旗)."""
    suffix = next(((s, word) for s, word in _AUTONOMOUS if name.endswith(s)), None)
    if suffix is None and name.endswith("族区"):  # 管城回族区, a district named for its people
        suffix = ("区", "District")
    if suffix is None:
        return None
    base, peoples = name[: -len(suffix[0])], []
    while True:
        marked = base.endswith("族")
        stem = base[:-1] if marked else base
        people = next((p for p in _PEOPLES if stem.endswith(p) and len(stem) > len(p)
                       and (marked or len(p) > 1)), None)  # 西藏: 藏 is the place's own
        if people is None:
            break
        peoples.insert(0, people)
        base = stem[: -len(people)]
    if not peoples:
        return None
    words = [romanised_names(part)[0] for part in (base, *peoples)]
    return " ".join([*words, suffix[1]])


def place_label(name: str, lang: str) -> str:
    """A place's name in the UI language: in English, a Chinese-only name is shown in Hanyu
    Pinyin with its suffix word and the Chinese alongside, "Haiyan County (海盐县)" (generated,
    not an official English name, hence the Chinese kept); an autonomous area's peoples are
    words of their own, "Guangxi Zhuang Autonomous Region (广西壮族自治区)"."""
    if lang != "en":
        return name
    autonomous = _autonomous_label(name)
    if autonomous:
        return f"{autonomous} ({name})"
    forms = romanised_names(name)
    if not forms:
        return name
    english = next((form for form in forms if " " in form), forms[0])  # with the suffix word
    return f"{english} ({name})"


def message(key: str, lang: str, **values: object) -> str:
    """The message in ``lang`` with ``{name}`` placeholders filled; the key if unknown."""
    texts = MESSAGES.get(key)
    if texts is None:
        return key
    text = texts[1] if lang == "en" else texts[0]
    return text.format(**values) if values else text
