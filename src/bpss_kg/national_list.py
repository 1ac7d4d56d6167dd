"""The national layer from tables: the national service list and the administrative divisions.

``build_national_list`` turns a list table (columns of ``data/national-list-2023.csv``) into RDF,
on the 9 areas and 22 categories of ``data/national-list-2023-structure.csv``. A table naming
fewer than 81 items is completed with placeholder items (``bpss:isPlaceholder true``, labelled
待补): positions are kept, facts are never invented. The same function loads an official table
with all 81 items later (``bpss-kg load-list``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from . import resources
from .errors import BadInput, Location
from .namespaces import BPSS, ID, place, source

LIST_IRI = ID["list/national-2023"]
ITEM_COUNT = 81
LIST_COLUMNS = ("area", "category", "item_no", "item", "target_population", "content",
                "standard", "expenditure_responsibility", "lead_department")
ATTRIBUTES = {
    "target_population": BPSS.targetPopulation,
    "content": BPSS.serviceContent,
    "standard": BPSS.serviceStandard,
    "expenditure_responsibility": BPSS.expenditureResponsibility,
    "lead_department": BPSS.leadDepartment,
}
UNOFFICIAL_MARK = "(unofficial translation)"
"""Ends the English ``rdfs:label`` of an item whose English name is our working translation
(column ``item_en_unofficial``); ``skos:prefLabel`` keeps only the official Chinese name."""
DIVISION_COLUMNS = ("code", "name", "province", "prefecture", "province_code", "prefecture_code")


@dataclass(frozen=True)
class Category:
    area_no: int
    area: str
    area_en: str
    number: int
    name: str
    name_en: str
    verified: bool

    @property
    def iri(self) -> URIRef:
        return ID[f"list/national-2023/category/{self.area_no}.{self.number}"]

    @property
    def area_iri(self) -> URIRef:
        return ID[f"list/national-2023/area/{self.area_no}"]


def _read_csv(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    """Rows of a UTF-8 CSV whose header holds ``required``; BadInput naming what is missing."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [h.strip() for h in reader.fieldnames or []]
            missing = [c for c in required if c not in header]
            if missing:
                raise BadInput(f"missing column(s) {', '.join(missing)}; header is "
                               f"{', '.join(header) or '(empty)'}", Location(file=str(path), row=1))
            return [{(k or "").strip(): (v or "").strip() for k, v in row.items()}
                    for row in reader]
    except FileNotFoundError:
        raise BadInput("no such file", Location(file=str(path))) from None
    except UnicodeDecodeError as error:
        raise BadInput(f"not UTF-8 text: {error.reason}", Location(file=str(path))) from None


def read_structure(path: Path | None = None) -> list[Category]:
    path = path or resources.data_dir() / "national-list-2023-structure.csv"
    rows = _read_csv(path, ("area_no", "area", "category_no", "category"))
    return [Category(int(r["area_no"]), r["area"], r.get("area_en", ""), int(r["category_no"]),
                     r["category"], r.get("category_en", ""), r.get("category_verified") == "yes")
            for r in rows]


def build_national_list(table: Path, structure: Path | None = None) -> Graph:
    """RDF of the national list from ``table`` (see the module docstring)."""
    categories = read_structure(structure)
    by_name = {(c.area, c.name): c for c in categories}
    areas = {c.area for c in categories}
    rows = _read_csv(table, LIST_COLUMNS)
    if len(rows) > ITEM_COUNT:
        raise BadInput(f"{len(rows)} items; the national list has {ITEM_COUNT}",
                       Location(file=str(table), row=ITEM_COUNT + 2))
    graph = Graph()
    list_source = source("national-list-2023")
    _describe_list(graph, categories, list_source)
    used_numbers: set[int] = set()
    named: list[tuple[int, dict[str, str], Category]] = []
    for index, row in enumerate(rows, start=2):
        where = Location(file=str(table), row=index)
        if not row["item"]:
            raise BadInput("empty item name (column item)", where)
        if row["area"] not in areas:
            raise BadInput(f"unknown area {row['area']!r} (column area); expected one of "
                           f"{', '.join(sorted(areas))}", where)
        category = by_name.get((row["area"], row["category"]))
        if category is None:
            raise BadInput(f"unknown category {row['category']!r} in area {row['area']} "
                           "(column category)", where)
        number = _item_number(row["item_no"], where)
        if number in used_numbers:
            raise BadInput(f"item_no {number} used twice (column item_no)", where)
        if number:
            used_numbers.add(number)
        named.append((number, row, category))
    # Items without a number take the first free positions, in table order.
    free = (n for n in range(1, ITEM_COUNT + 1) if n not in used_numbers)
    numbered = [(number or next(free), row, category) for number, row, category in named]
    taken = {n for n, _, _ in numbered}
    for number, row, category in numbered:
        _describe_item(graph, number, row, category)
    empty_first = sorted(categories, key=lambda c: any(cat == c for _, _, cat in numbered))
    placeholders = [n for n in range(1, ITEM_COUNT + 1) if n not in taken]
    for i, number in enumerate(placeholders):
        _describe_placeholder(graph, number, empty_first[i % len(empty_first)])
    return graph


def _item_number(raw: str, where: Location) -> int:
    if not raw:
        return 0
    if not raw.isdigit() or not 1 <= int(raw) <= ITEM_COUNT:
        raise BadInput(f"item_no {raw!r} is not a number from 1 to {ITEM_COUNT}", where)
    return int(raw)


def _describe_list(graph: Graph, categories: list[Category], list_source: URIRef) -> None:
    graph.add((LIST_IRI, RDF.type, BPSS.NationalServiceList))
    graph.add((LIST_IRI, RDF.type, SKOS.ConceptScheme))
    for lang, text in (("zh", "国家基本公共服务标准（2023年版）"),
                       ("en", "National Basic Public Service Standard (2023 edition)")):
        graph.add((LIST_IRI, RDFS.label, Literal(text, lang=lang)))
        graph.add((LIST_IRI, SKOS.prefLabel, Literal(text, lang=lang)))
    graph.add((LIST_IRI, DCTERMS.issued, Literal("2023-08", datatype=XSD.gYearMonth)))
    graph.add((LIST_IRI, BPSS.forDivision, place("CN")))
    graph.add((LIST_IRI, DCTERMS.source, list_source))
    seen_areas: set[int] = set()
    for cat in categories:
        if cat.area_no not in seen_areas:
            seen_areas.add(cat.area_no)
            _concept(graph, cat.area_iri, BPSS.ServiceArea, cat.area, cat.area_en, list_source)
            graph.add((LIST_IRI, SKOS.hasTopConcept, cat.area_iri))
            graph.add((cat.area_iri, SKOS.topConceptOf, LIST_IRI))
        _concept(graph, cat.iri, BPSS.ServiceCategory, cat.name, cat.name_en, list_source)
        graph.add((cat.iri, SKOS.broader, cat.area_iri))
        if not cat.verified:
            graph.add((cat.iri, RDFS.comment, Literal(
                "大类名称及归属未经官方文本核实。", lang="zh")))
            graph.add((cat.iri, RDFS.comment, Literal(
                "Category name and placement not verified against the official text.",
                lang="en")))


def _concept(graph: Graph, iri: URIRef, kind: URIRef, zh: str, en: str, src: URIRef) -> None:
    graph.add((iri, RDF.type, kind))
    graph.add((iri, RDF.type, SKOS.Concept))
    graph.add((iri, SKOS.inScheme, LIST_IRI))
    graph.add((iri, BPSS.inList, LIST_IRI))
    for predicate in (RDFS.label, SKOS.prefLabel):
        graph.add((iri, predicate, Literal(zh, lang="zh")))
        if en:
            graph.add((iri, predicate, Literal(en, lang="en")))
    graph.add((iri, DCTERMS.source, src))


def item_iri(number: int) -> URIRef:
    return ID[f"list/national-2023/item/{number:02d}"]


def _describe_item(graph: Graph, number: int, row: dict[str, str], category: Category) -> None:
    iri = item_iri(number)
    sources = [s.strip() for s in row.get("source", "").split(";") if s.strip()]
    _concept(graph, iri, BPSS.NationalServiceItem, row["item"], "",
             source(sources[0]) if sources else source("national-list-2023"))
    for extra in sources[1:]:
        graph.add((iri, DCTERMS.source, source(extra)))
    graph.add((iri, SKOS.broader, category.iri))
    graph.add((iri, BPSS.itemNumber, Literal(f"{number:02d}")))
    graph.add((iri, BPSS.isPlaceholder, Literal(False)))
    for column, predicate in ATTRIBUTES.items():
        if row.get(column):
            graph.add((iri, predicate, Literal(row[column], lang="zh")))
    if row.get("note"):
        graph.add((iri, RDFS.comment, Literal(row["note"], lang="en")))
    translation = row.get("item_en_unofficial", "")
    if translation:  # ours, not official: said in the label, the property and a comment
        graph.add((iri, BPSS.workingTranslation, Literal(translation, lang="en")))
        graph.add((iri, RDFS.label, Literal(f"{translation} {UNOFFICIAL_MARK}", lang="en")))
        graph.add((iri, RDFS.comment, Literal(
            "The English label is an unofficial working translation made by the bpss-kg "
            "project (bpss:workingTranslation); no official English name of the item is "
            "published.", lang="en")))


def _describe_placeholder(graph: Graph, number: int, category: Category) -> None:
    iri = item_iri(number)
    graph.add((iri, RDF.type, BPSS.NationalServiceItem))
    graph.add((iri, RDF.type, SKOS.Concept))
    graph.add((iri, SKOS.inScheme, LIST_IRI))
    graph.add((iri, BPSS.inList, LIST_IRI))
    zh, en = f"待补（第{number:02d}项）", f"to be completed (position {number:02d})"
    for predicate in (RDFS.label, SKOS.prefLabel):
        graph.add((iri, predicate, Literal(zh, lang="zh")))
        graph.add((iri, predicate, Literal(en, lang="en")))
    graph.add((iri, BPSS.itemNumber, Literal(f"{number:02d}")))
    graph.add((iri, BPSS.isPlaceholder, Literal(True)))
    # its area and category only fill the official totals: say so in the data (issue 17)
    graph.add((iri, BPSS.placementArbitrary, Literal(True)))
    graph.add((iri, SKOS.broader, category.iri))
    graph.add((iri, RDFS.comment, Literal(
        "占位项目：名称、属性及所属大类均无来源，待官方清单补全。", lang="zh")))
    graph.add((iri, RDFS.comment, Literal(
        "Placeholder: its name, attributes and category are not in our sources; the category "
        "is an arbitrary assignment until the official list is loaded.", lang="en")))


def build_divisions(table: Path) -> Graph:
    """The nation, provinces, prefectures and counties of a GB/T 2260 county table."""
    rows = _read_csv(table, DIVISION_COLUMNS)
    graph = Graph()
    mca = source("mca-2024")
    nation = place("CN")
    _division(graph, nation, BPSS.Nation, "中华人民共和国", "CN", mca)
    graph.add((nation, RDFS.label, Literal("People's Republic of China", lang="en")))
    seen: set[str] = set()
    for index, row in enumerate(rows, start=2):
        code = row["code"]
        if not (len(code) == 6 and code.isdigit()):
            raise BadInput(f"county code {code!r} is not six digits (column code)",
                           Location(file=str(table), row=index))
        province = place(row["province_code"])
        if row["province_code"] not in seen:
            seen.add(row["province_code"])
            _division(graph, province, BPSS.Province, row["province"], row["province_code"], mca)
            graph.add((province, BPSS.withinDivision, nation))
        county = place(code)
        _division(graph, county, BPSS.County, row["name"], code, mca)
        graph.add((county, BPSS.inProvince, province))
        graph.add((county, BPSS.withinDivision, province))
        if row["prefecture_code"]:
            prefecture = place(row["prefecture_code"])
            if row["prefecture_code"] not in seen:
                seen.add(row["prefecture_code"])
                _division(graph, prefecture, BPSS.Prefecture, row["prefecture"],
                          row["prefecture_code"], mca)
                graph.add((prefecture, BPSS.inProvince, province))
                graph.add((prefecture, BPSS.withinDivision, province))
            graph.add((county, BPSS.inPrefecture, prefecture))
            graph.add((county, BPSS.withinDivision, prefecture))
    return graph


def _division(graph: Graph, iri: URIRef, kind: URIRef, name: str, code: str,
              src: URIRef) -> None:
    graph.add((iri, RDF.type, kind))
    graph.add((iri, RDFS.label, Literal(name, lang="zh")))
    graph.add((iri, BPSS.divisionCode, Literal(code)))
    graph.add((iri, DCTERMS.source, src))


