"""Every UI string in Chinese and English, in one catalogue."""

from __future__ import annotations

from flask import request

MESSAGES: dict[str, tuple[str, str]] = {
    "synthetic_note": ("示例县的标准体系为合成数据（非官方）；国家清单中未知的项目标为“待补”。",
                       "The sample counties' standard systems are synthetic (not official); "
                       "national items that no source names are marked 待补 (to be completed)."),
    "app": ("基本公共服务标准化知识图谱",
        "Basic public service standardization knowledge graph"),
    "home": ("首页", "Home"),
    "search": ("搜索", "Search"),
    "ontology": ("本体", "Ontology"),
    "national_list": ("国家清单", "National list"),
    "compare": ("县域对比", "Compare"),
    "query": ("查询", "Query"),
    "import": ("导入", "Import"),
    "switch": ("English", "中文"),
    "search_placeholder": ("搜索县、标准、服务项目、机构……",
        "Search counties, standards, items, bodies…"),
    "counties": ("已建标准体系的县", "Counties with a standard system"),
    "standards": ("标准", "Standards"),
    "items": ("国家基本公共服务项目", "National service items"),
    "placeholders": ("其中待补", "of which to be completed (待补)"),
    "last_run": ("最近一次校验", "Latest validation"),
    "findings": ("问题", "findings"),
    "as_of": ("基准日", "as of"),
    "never": ("尚未校验", "not validated yet"),
    "results": ("结果", "results"),
    "no_results": ("没有结果", "No results"),
    "kind": ("类型", "Kind"),
    "label": ("名称", "Name"),
    "types": ("类型", "Types"),
    "properties": ("属性", "Properties"),
    "incoming": ("被引用", "Referenced by"),
    "page": ("页", "page"),
    "prev": ("上一页", "Previous"),
    "next": ("下一页", "Next"),
    "classes": ("类", "Classes"),
    "props": ("属性", "Properties"),
    "domain": ("定义域", "Domain"),
    "range": ("值域", "Range"),
    "area": ("领域", "Area"),
    "category": ("大类", "Category"),
    "item": ("服务项目", "Item"),
    "covering": ("覆盖县数", "Counties covering"),
    "placeholder": ("待补", "to be completed"),
    "system": ("标准体系", "Standard system"),
    "coverage": ("国家项目覆盖", "Coverage of national items"),
    "named_items": ("已命名项目覆盖", "named items covered"),
    "indicators": ("指标与国家基准", "Indicators against national baselines"),
    "indicator": ("指标", "Indicator"),
    "year": ("年度", "Year"),
    "value": ("数值", "Value"),
    "baseline": ("国家基准", "Baseline"),
    "meets": ("达标", "Meets"),
    "agreements": ("协同协议", "Coordination agreements"),
    "parties": ("各方", "Parties"),
    "valid": ("有效期", "Valid"),
    "latest_findings": ("最近校验发现的问题", "Latest validation findings"),
    "no_findings": ("无问题", "No findings"),
    "number": ("编号", "Number"),
    "title": ("标准名称", "Title"),
    "status": ("状态", "Status"),
    "download_csv": ("下载 CSV", "Download CSV"),
    "compare_help": ("输入 2 至 4 个县级代码，用逗号分隔",
        "2 to 4 county codes, comma separated"),
    "go": ("对比", "Compare"),
    "run": ("运行", "Run"),
    "library": ("查询库", "Query library"),
    "synthetic_baseline": ("基准为合成示例值", "baselines are synthetic samples"),
    "error": ("出错了", "Something is wrong"),
}


def current_lang() -> str:
    return "en" if request.args.get("lang") == "en" else "zh"


def translate(key: str) -> str:
    zh, en = MESSAGES.get(key, (key, key))
    return en if current_lang() == "en" else zh
