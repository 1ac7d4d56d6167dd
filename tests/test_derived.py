"""Files derived from the store never disagree with it: a write whose follow-up work never ran
(the process was killed between the two) leaves the search index behind, never wrong; it is not
searched while behind, and the next bring-up-to-date catches up, per written graph."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from bpss_kg.derived import bring_up_to_date
from bpss_kg.loading import load_sample
from bpss_kg.search import IndexStale, index_is_fresh, rebuild_index, refresh_index, search
from bpss_kg.store import OxigraphStore

LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
COUNTY = "https://w3id.org/bpss-kg/graph/county/370502"


def _insert(store: OxigraphStore, subject: str, label: str, graph: str = COUNTY) -> None:
    store.update(f'INSERT DATA {{ GRAPH <{graph}> {{ <{subject}> <{LABEL}> "{label}"@zh }} }}')


@pytest.fixture
def sample(tmp_path):
    store = OxigraphStore(tmp_path / "store")
    load_sample(store)
    yield store
    store.close()


def test_a_write_without_its_follow_up_leaves_the_index_behind_until_the_next_open(
        sample, tmp_path):
    assert index_is_fresh(sample)
    _insert(sample, "urn:x:new", "崩溃前写入的办公室")  # the process "dies" before refreshing
    sample.close()
    reopened = OxigraphStore(tmp_path / "store")
    try:
        assert not index_is_fresh(reopened)
        bring_up_to_date(reopened, summaries=False)
        assert index_is_fresh(reopened)
        hits = search(reopened, "崩溃前写入").hits
        assert [h.label("zh") for h in hits] == ["崩溃前写入的办公室"]
    finally:
        reopened.close()


def test_a_search_brings_one_graph_up_to_date_on_the_spot(sample):
    _insert(sample, "urn:x:spot", "当场更新的办公室")
    assert not index_is_fresh(sample)
    assert search(sample, "当场更新").total == 1  # one graph behind: read again, milliseconds
    assert index_is_fresh(sample)


def test_updating_per_graph_gives_the_index_a_full_build_gives(sample, tmp_path):
    _insert(sample, "https://w3id.org/bpss-kg/id/place/370502", "东营区别名")  # a county's name
    sample.update(f"DROP GRAPH <{COUNTY.replace('370502', '370503')}>")  # a county dropped
    assert refresh_index(sample, allow_full=False)  # two graphs: per graph
    incremental = _dump(sample)
    rebuild_index(sample)
    assert _dump(sample) == incremental


def test_an_index_that_needs_a_full_build_is_not_searched_until_built(sample):
    sample.update('INSERT { GRAPH ?g { <urn:x:all> <http://www.w3.org/2000/01/rdf-schema#label> '
                  '"每个图"@zh } } WHERE { GRAPH ?g { } }')  # which graphs: unknown
    assert not refresh_index(sample, allow_full=False)
    with pytest.raises(IndexStale):
        search(sample, "每个图")
    assert refresh_index(sample)
    assert search(sample, "每个图").total == 1


def test_a_reader_during_a_write_stamps_the_number_before_it(sample):
    journal = sample.changes
    number = journal.note({COUNTY})  # a write has started...
    refresh_index(sample)  # ...a refresh meanwhile reflects the state before it
    _insert_without_journal(sample, "urn:x:late", "写入中途的读者")
    journal.done(number)
    assert not index_is_fresh(sample)  # so the write's graph is read again afterwards
    refresh_index(sample)
    assert search(sample, "写入中途的读者").total == 1


def _insert_without_journal(store: OxigraphStore, subject: str, label: str) -> None:
    store._db.add(ox.Quad(ox.NamedNode(subject), ox.NamedNode(LABEL),
                          ox.Literal(label, language="zh"), ox.NamedNode(COUNTY)))


def _dump(store: OxigraphStore) -> tuple[list[tuple], list[tuple]]:
    import sqlite3

    from bpss_kg.search import index_path

    db = sqlite3.connect(index_path(store))
    try:
        resources = db.execute("SELECT * FROM resources ORDER BY iri").fetchall()
        names = db.execute("SELECT name, iri, graph, prop, lang, kind_rank FROM names "
                           "ORDER BY name, iri, graph, prop").fetchall()
        hits = [tuple(h.__dict__.values()) for q in ("东营", "区", "DB37", "Child")
                for h in search(store, q).hits]
    finally:
        db.close()
    return resources + hits, names
