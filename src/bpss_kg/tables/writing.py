"""Write the standard detail table: a blank template, or a county's table from the store."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from ..namespaces import GRAPH
from ..store import Store
from .columns import (
    INDICATOR_COLUMNS,
    INDICATORS_SHEET,
    INSTRUCTIONS_SHEET,
    STANDARD_COLUMNS,
    STANDARDS_SHEET,
)
from .parsing import concept_labels

INSTRUCTIONS = [
    ("说明 / Instructions", ""),
    ("本表为县域基本公共服务标准明细表（GB/T 13016—2018），供 bpss-kg 导入。",
     "A county standard detail table (GB/T 13016—2018) for import into bpss-kg."),
    ("第2行为表头，请勿修改列名；第1行标题可改。", "Row 2 is the header; keep the column names."),
    ("必填列：标准名称、子体系、标准类别。", "Required: title, sub-system, kind of standard."),
    ("子体系、标准类别、状态、宜定级别请从下拉列表选择。",
     "Pick sub-system, kind, status and level from the drop-down lists."),
    ("标准编号形如 DB37/T 1234—2023；日期形如 2023-12-28。",
     "Numbers like DB37/T 1234—2023; dates like 2023-12-28."),
    ("实施的国家基本公共服务项目：填项目序号或名称，多个用“、”分隔。",
     "National items: their numbers or names, separated by 、 or ;."),
    ("“指标”工作表填写本县指标数值：指标、年度、数值、单位。",
     "Sheet 指标: the county's indicator values (indicator, year, value, unit)."),
    ("导入命令：bpss-kg import 表格.xlsx --county 县级代码",
     "Import: bpss-kg import TABLE.xlsx --county CODE"),
]
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _labels(scheme: str, suffix_filter: tuple[str, ...] = ()) -> list[str]:
    names = {}
    for label, slug in concept_labels().get(scheme, {}).items():
        if label.isascii():
            continue
        if suffix_filter and slug not in suffix_filter:
            continue
        names.setdefault(slug, label)
    return sorted(names.values())


def _sheet(workbook: Workbook, title: str, caption: str, columns, rows):  # type: ignore[no-untyped-def]
    sheet = workbook.create_sheet(title)
    sheet.append([caption])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([c.header for c in columns])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True)
    for row in rows:
        sheet.append(row)
    for index, column in enumerate(columns, start=1):
        letter = sheet.cell(row=2, column=index).column_letter
        sheet.column_dimensions[letter].width = max(10, min(40, len(column.header) * 3))
    return sheet


def _validation(sheet, columns, key: str, values: list[str]) -> None:  # type: ignore[no-untyped-def]
    position = next(i for i, c in enumerate(columns, start=1) if c.key == key)
    letter = sheet.cell(row=2, column=position).column_letter
    rule = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
    rule.error = "请从列表中选择 / choose from the list"
    sheet.add_data_validation(rule)
    rule.add(f"{letter}3:{letter}2000")


def workbook_bytes(caption: str, standard_rows: list[list[object]],
                   indicator_rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheet = _sheet(workbook, STANDARDS_SHEET, caption, STANDARD_COLUMNS, standard_rows)
    subsystems = ("baseline-indicator", "service-implementation", "monitoring-improvement")
    kinds = _labels("standard-kind")
    _validation(sheet, STANDARD_COLUMNS, "subsystem", [k for k in kinds if k in (
        "基准指标", "服务实施", "监测改进")] or _labels("standard-kind", subsystems))
    _validation(sheet, STANDARD_COLUMNS, "kind",
                [k for k in kinds if k.endswith("标准")])
    _validation(sheet, STANDARD_COLUMNS, "status", _labels("standard-status"))
    _validation(sheet, STANDARD_COLUMNS, "level", _labels("standard-level"))
    _sheet(workbook, INDICATORS_SHEET, "县域基本公共服务指标 / county indicator values",
           INDICATOR_COLUMNS, indicator_rows)
    notes = workbook.create_sheet(INSTRUCTIONS_SHEET)
    for zh, en in INSTRUCTIONS:
        notes.append([zh, en])
    notes.column_dimensions["A"].width = 60
    notes.column_dimensions["B"].width = 70
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_bytes() -> bytes:
    return workbook_bytes("XX县基本公共服务标准明细表 / county standard detail table", [], [])


EXPORT = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?g ?s ?title ?titleEn ?number ?systemNumber ?level ?status ?issued ?implemented ?reviewed
       ?subsystem (GROUP_CONCAT(DISTINCT ?kindLabel; separator="、") AS ?kind) ?issuer ?notes
       (GROUP_CONCAT(DISTINCT ?itemNumber; separator="、") AS ?items)
       (GROUP_CONCAT(DISTINCT ?oldNumber; separator="、") AS ?supersedes)
WHERE { GRAPH ?g {
  ?s a bpss:Standard ; bpss:inSystem ?system .
  OPTIONAL { ?s dcterms:title ?title FILTER(lang(?title) = "zh") }
  OPTIONAL { ?s dcterms:title ?titleEn FILTER(lang(?titleEn) = "en") }
  OPTIONAL { ?s bpss:standardNumber ?number }
  OPTIONAL { ?s bpss:systemNumber ?systemNumber }
  OPTIONAL { ?s bpss:level ?levelIri }
  OPTIONAL { ?s bpss:status ?statusIri }
  OPTIONAL { ?s dcterms:issued ?issued }
  OPTIONAL { ?s bpss:implementationDate ?implemented }
  OPTIONAL { ?s bpss:lastReviewDate ?reviewed }
  OPTIONAL { ?s bpss:inSubSystem/bpss:subSystemType ?subIri }
  OPTIONAL { ?s bpss:standardKind ?kindIri }
  OPTIONAL { ?s rdfs:comment ?notes FILTER(lang(?notes) = "zh") }
  OPTIONAL { ?s bpss:supersedes ?old . OPTIONAL { ?old bpss:standardNumber ?oldNumber } }
 }
  OPTIONAL { ?levelIri skos:prefLabel ?level FILTER(lang(?level) = "zh") }
  OPTIONAL { ?statusIri skos:prefLabel ?status FILTER(lang(?status) = "zh") }
  OPTIONAL { ?subIri skos:prefLabel ?subsystem FILTER(lang(?subsystem) = "zh") }
  OPTIONAL { ?kindIri skos:prefLabel ?kindLabel FILTER(lang(?kindLabel) = "zh") }
  OPTIONAL { GRAPH ?g { ?s bpss:issuedBy ?org } ?org rdfs:label ?issuer
             FILTER(lang(?issuer) = "zh") }
  OPTIONAL { GRAPH ?g { ?s bpss:implementsItem ?item }
             ?item a bpss:NationalServiceItem ; bpss:itemNumber ?itemNumber }
} GROUP BY ?s ?title ?titleEn ?number ?systemNumber ?level ?status ?issued ?implemented
           ?reviewed ?subsystem ?issuer ?notes ?g
ORDER BY ?systemNumber ?number ?s
"""
OBSERVATIONS = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?name ?year ?value ?unit ?g WHERE {
  GRAPH ?g { ?o a bpss:IndicatorObservation ; bpss:indicator ?i ; bpss:refYear ?year ;
                bpss:observedValue ?value . }
  ?i rdfs:label ?name FILTER(lang(?name) = "zh")
  OPTIONAL { ?i bpss:unit ?unit }
} ORDER BY ?name ?year
"""


def county_standard_rows(store: Store, county: str) -> list[list[object]]:
    """The rows of a county's standard detail table, in ``STANDARD_COLUMNS`` order (dates as
    ``date``); shared by the XLSX export and the CSV dumps (publish/csvw.py)."""
    import pyoxigraph as ox

    graph = ox.NamedNode(str(GRAPH[f"county/{county}"]))
    if graph not in store.named_graphs():
        from ..errors import NotFound

        raise NotFound(f"no county graph for {county} in the store")
    keys = [c.key for c in STANDARD_COLUMNS]
    fields = {"row": None, "system_number": "systemNumber", "title": "title",
              "title_en": "titleEn", "number": "number", "level": "level", "issued": "issued",
              "implemented": "implemented", "reviewed": "reviewed", "supersedes": "supersedes",
              "subsystem": "subsystem", "kind": "kind", "items": "items", "status": "status",
              "issuer": "issuer", "notes": "notes"}
    rows = []
    result = store.query(EXPORT, bindings={"g": graph})
    for index, solution in enumerate(result, start=1):  # type: ignore[union-attr]
        row: list[object] = []
        for key in keys:
            name = fields[key]
            if name is None:
                row.append(index)
                continue
            term = solution[name]
            value = term.value if term is not None else ""
            if name in ("issued", "implemented", "reviewed") and value:
                row.append(date.fromisoformat(value))
            elif name == "subsystem" and value:
                row.append(value.removesuffix("标准子体系").removesuffix("子体系"))
            else:
                row.append(value)
        rows.append(row)
    return rows


def county_table_bytes(store: Store, county: str) -> bytes:
    """The county's standard detail table (and indicator sheet) as XLSX."""
    import pyoxigraph as ox

    rows = county_standard_rows(store, county)
    graph = ox.NamedNode(str(GRAPH[f"county/{county}"]))
    indicators = [[s["name"].value, s["year"].value, float(s["value"].value),
                   s["unit"].value if s["unit"] else ""]
                  for s in store.query(OBSERVATIONS, bindings={"g": graph})]  # type: ignore[union-attr]
    place = ox.NamedNode(f"https://w3id.org/bpss-kg/id/place/{county}")
    names = list(store.query(
        "SELECT ?p ?name WHERE { ?p <http://www.w3.org/2000/01/rdf-schema#label> ?name }",
        bindings={"p": place}))
    name = names[0]["name"].value if names else county
    return workbook_bytes(f"{name}基本公共服务标准明细表 / standard detail table of {county}",
                          rows, indicators)
