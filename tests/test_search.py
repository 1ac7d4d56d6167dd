"""Search beside the store: the FTS5 index is rebuilt by every load and by server writes, and
ranks exact > prefix > substring, then counties before standards before items."""

from __future__ import annotations

import urllib.request

import pytest

from bpss_kg.config import Settings
from bpss_kg.loading import load_files, load_sample
from bpss_kg.search import INDEX_FILE, search
from bpss_kg.store import OxigraphStore
from server import create_app
from tests.http_server import running


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory):
    store = OxigraphStore(tmp_path_factory.mktemp("search") / "store")
    load_sample(store)
    yield store
    store.close()


def top(store, text: str, n: int = 3) -> list[tuple[str, str, str]]:
    return [(hit.label("zh"), hit.kind, hit.match) for hit in search(store, text).hits[:n]]


def test_loading_writes_the_index_beside_the_store(sample_store) -> None:
    assert (sample_store.path / INDEX_FILE).is_file()


def test_exact_before_prefix_and_counties_before_standards(sample_store) -> None:
    assert top(sample_store, "东营区") == [
        ("东营区", "county", "exact"),
        ("东营区预防接种服务规范（合成示例）", "standard", "prefix"),
        ("东营区孕产妇健康服务规范（合成示例）", "standard", "prefix"),
    ]
    assert top(sample_store, "东营", 1) == [("东营区", "county", "prefix")]


def test_substring_in_chinese_english_numbers_and_codes(sample_store) -> None:
    assert top(sample_store, "预防接种", 1) == [("预防接种", "item", "exact")]
    assert top(sample_store, "Childcare", 1) == [("幼有所育", "category", "exact")]
    assert top(sample_store, "370502", 1) == [("东营区", "county", "exact")]
    hit = search(sample_store, "DB37/T 4601").hits[0]
    assert (hit.label("en"), hit.number) == (
        "东营区: Basic public services: terms and classification (synthetic sample)",
        "DB37/T 4601—2023")


def test_one_and_two_character_queries_use_like(sample_store) -> None:
    assert top(sample_store, "河口", 1) == [("河口区", "county", "prefix")]
    page = search(sample_store, "县")
    assert page.total > 1000
    assert (page.hits[0].label("zh"), page.hits[0].match) == ("县域基本公共服务标准体系建设指南",
                                                              "prefix")
    substrings = [h for h in page.hits if h.match == "substring"]
    assert substrings[0].kind == "county"


def test_special_characters_are_text_and_results_are_paginated(sample_store) -> None:
    assert search(sample_store, '"').total == 0
    assert search(sample_store, "100%").total == 0
    assert search(sample_store, "a_b").total == 0
    first, second = search(sample_store, "区", page=1), search(sample_store, "区", page=2)
    assert first.pages > 2 and second.page == 2
    assert {h.iri for h in first.hits}.isdisjoint(h.iri for h in second.hits)
    assert search(sample_store, "   ").hits == []


def test_a_later_load_is_searchable(tmp_path, test_data) -> None:
    store = OxigraphStore(tmp_path / "store")
    try:
        load_files(store, [test_data / "xss-standard.trig"])
        assert top(store, "<script>", 1) == [
            ("<script>window.__xss=1;alert('xss')</script>标准", "standard", "prefix")]
    finally:
        store.close()


def test_a_server_update_is_searchable(tmp_path) -> None:
    path = tmp_path / "store"
    store = OxigraphStore(path)
    app = create_app(Settings(store=str(path), update_token="t0ken", query_workers=1), store)
    update = ('INSERT DATA { GRAPH <https://w3id.org/bpss-kg/graph/county/370502> { '
              '<https://w3id.org/bpss-kg/id/org/370502/new-office> '
              '<http://www.w3.org/2000/01/rdf-schema#label> "东营区新设服务办公室"@zh } }')
    try:
        with running(app) as base:
            request = urllib.request.Request(
                f"{base}/update", data=update.encode(), method="POST",
                headers={"Content-Type": "application/sparql-update",
                         "Authorization": "Bearer t0ken"})
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 204
        app.extensions["bpss_kg"].search_index.wait(timeout=30)
        assert top(store, "新设服务", 1) == [("东营区新设服务办公室", "other", "substring")]
    finally:
        app.extensions["bpss_kg"].queries.close()
        store.close()


def test_places_are_found_by_pinyin_and_english_suffix(sample_store) -> None:
    # generated romanisations of the Chinese labels, in the index only (place_names.py)
    assert top(sample_store, "Haiyan", 1) == [("海盐县", "county", "exact")]
    assert top(sample_store, "haiyan county", 1) == [("海盐县", "county", "exact")]
    assert top(sample_store, "Chengyang", 1) == [("城阳区", "county", "exact")]
    assert top(sample_store, "Chengyang District", 1) == [("城阳区", "county", "exact")]
    assert top(sample_store, "Shandong Province", 1)[0][:2] == ("山东省", "division")
    # never shown as a name: the hit keeps its Chinese and (absent) English labels
    hit = search(sample_store, "Haiyan").hits[0]
    assert hit.label_zh == "海盐县" and hit.label_en != "Haiyan"


def test_romanised_names_follow_pinyin_spelling() -> None:
    from bpss_kg.place_names import romanised_names

    assert romanised_names("长安区")[:3] == ["Chang'an", "Changan", "Chang'an District"]
    assert "Nei Menggu" not in romanised_names("内蒙古自治区")
    assert "Neimenggu Autonomous Region" in romanised_names("内蒙古自治区")
    assert romanised_names("Haiyan") == [] and romanised_names("") == []
