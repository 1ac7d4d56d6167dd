"""The national list built from its table: 81 items, 22 categories, 9 areas, honest gaps."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from bpss_kg.errors import BadInput
from bpss_kg.namespaces import BPSS
from bpss_kg.national_list import build_divisions, build_national_list

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "data" / "national-list-2023.csv"
HEADER = ("area,category,item_no,item,target_population,content,standard,"
          "expenditure_responsibility,lead_department\n")


@pytest.fixture(scope="module")
def national():
    return build_national_list(TABLE)


def test_81_items_in_22_categories_and_9_areas(national):
    assert len(set(national.subjects(RDF.type, BPSS.NationalServiceItem))) == 81
    assert len(set(national.subjects(RDF.type, BPSS.ServiceCategory))) == 22
    assert len(set(national.subjects(RDF.type, BPSS.ServiceArea))) == 9
    categories = set(national.subjects(RDF.type, BPSS.ServiceCategory))
    assert all(set(national.subjects(SKOS.broader, c)) for c in categories), \
        "every category holds at least one item"


def test_named_items_carry_a_source_and_placeholders_are_flagged(national):
    items = set(national.subjects(RDF.type, BPSS.NationalServiceItem))
    placeholders = {i for i in items if (i, BPSS.isPlaceholder, Literal(True)) in national}
    named = items - placeholders
    assert len(named) == 14 and len(placeholders) == 67
    assert all((i, DCTERMS.source, None) in national for i in named)
    for item in placeholders:
        labels = {str(o) for o in national.objects(item, RDFS.label)}
        assert any(label.startswith("待补") for label in labels)
        for attribute in (BPSS.targetPopulation, BPSS.serviceContent, BPSS.serviceStandard,
                          BPSS.expenditureResponsibility, BPSS.leadDepartment):
            assert (item, attribute, None) not in national


def test_named_items_keep_their_names(national):
    names = {str(o) for s in national.subjects(BPSS.isPlaceholder, Literal(False))
             for o in national.objects(s, RDFS.label)}
    assert "增补叶酸预防神经管缺陷服务" in names and "预防接种" in names


def test_english_names_are_marked_as_our_working_translations(national):
    """The sources give no English names: ours are said to be ours in the data itself (the
    label, a property of their own, a comment); the official name stays the only prefLabel."""
    named = set(national.subjects(BPSS.isPlaceholder, Literal(False)))
    for item in named:
        (translation,) = national.objects(item, BPSS.workingTranslation)
        english = [o for o in national.objects(item, RDFS.label) if o.language == "en"]
        assert [str(o) for o in english] == [f"{translation} (unofficial translation)"]
        assert {o.language for o in national.objects(item, SKOS.prefLabel)} == {"zh"}
        assert any("unofficial working translation" in str(c)
                   for c in national.objects(item, RDFS.comment))
    vaccination = next(i for i in named if (i, RDFS.label, Literal("预防接种", lang="zh"))
                       in national)
    assert national.value(vaccination, BPSS.workingTranslation) == Literal("Vaccination",
                                                                           lang="en")
    placeholders = set(national.subjects(BPSS.isPlaceholder, Literal(True)))
    assert not any((p, BPSS.workingTranslation, None) in national for p in placeholders)


@pytest.mark.parametrize(("body", "row", "message"), [
    ("区域,x\n", 1, "missing column(s) area"),
    (HEADER + "有所乐,公共文化服务,,某项,,,,,\n", 2, "unknown area '有所乐'"),
    (HEADER + "幼有所育,公共文化服务,,某项,,,,,\n", 2, "unknown category '公共文化服务'"),
    (HEADER + "幼有所育,优孕优生服务,82,某项,,,,,\n", 2, "item_no '82'"),
    (HEADER + "幼有所育,优孕优生服务,,,,,,,\n", 2, "empty item name"),
])
def test_bad_tables_name_row_and_reason(tmp_path, body, row, message):
    table = tmp_path / "list.csv"
    table.write_text(body, encoding="utf-8")
    with pytest.raises(BadInput) as caught:
        build_national_list(table)
    assert caught.value.where.row == row
    assert message in caught.value.message


def test_an_official_table_of_81_numbered_items_has_no_placeholders(tmp_path):
    rows = [f"幼有所育,优孕优生服务,{n},项目{n},对象{n},,,,\n" for n in range(1, 82)]
    table = tmp_path / "official.csv"
    table.write_text(HEADER + "".join(rows), encoding="utf-8")
    graph = build_national_list(table)
    assert (None, BPSS.isPlaceholder, Literal(True)) not in graph
    assert len(set(graph.subjects(BPSS.targetPopulation, None))) == 81


def test_divisions_from_the_mca_table():
    graph = build_divisions(ROOT / "data" / "divisions-mca2024.csv")
    counties = set(graph.subjects(RDF.type, BPSS.County))
    assert len(counties) == 2846
    assert len(set(graph.subjects(RDF.type, BPSS.Province))) == 31
    assert all((c, BPSS.inProvince, None) in graph for c in counties)
