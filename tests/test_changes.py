"""The change journal: which graphs each write may change, and incremental validation on it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest

from bpss_kg.loading import load_sample
from bpss_kg.store import LoadSource, OxigraphStore
from bpss_kg.store.changes import DEFAULT_GRAPH, ChangeJournal, graphs_written
from bpss_kg.validation import validate

AS_OF = date(2026, 6, 30)
COUNTY = "https://w3id.org/bpss-kg/graph/county/"
NATIONAL = "https://w3id.org/bpss-kg/graph/national"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"


@pytest.mark.parametrize(("update", "graphs"), [
    ("INSERT DATA { GRAPH <http://g/1> { <a:b> <a:c> 1 } }", {"http://g/1"}),
    ("INSERT DATA { <a:b> <a:c> 1 }", {DEFAULT_GRAPH}),
    ("DROP SILENT GRAPH <http://g/2> ; INSERT DATA { GRAPH <http://g/3> { <a:b> <a:c> 1 } }",
     {"http://g/2", "http://g/3"}),
    ("WITH <http://g/4> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", {"http://g/4"}),
    ("DELETE WHERE { GRAPH <http://g/5> { ?s ?p ?o } }", {"http://g/5"}),
    ("COPY <http://g/6> TO <http://g/7>", {"http://g/6", "http://g/7"}),
    ("CLEAR DEFAULT", {DEFAULT_GRAPH}),
    ("INSERT { GRAPH ?g { <a:b> <a:c> 1 } } WHERE { GRAPH ?g { ?s ?p ?o } }", None),
    ("CLEAR ALL", None),
    ("DROP NAMED", None),
    ("this is not SPARQL", None),
])
def test_the_graphs_an_update_writes_are_read_from_its_text(update, graphs):
    assert graphs_written(update) == graphs


def test_the_journal_answers_what_changed_after_a_number_and_survives_reopening(tmp_path):
    journal = ChangeJournal(tmp_path)
    start = journal.sequence
    assert journal.changed_since(start - 1) is None  # before the journal: unknown
    with journal.writing({"http://g/1"}):
        pass
    seen = journal.sequence
    with journal.writing({"http://g/2"}):
        pass
    assert journal.changed_since(start) == {"http://g/1", "http://g/2"}
    assert journal.changed_since(seen) == {"http://g/2"}
    again = ChangeJournal(tmp_path)
    assert again.changed_since(seen) == {"http://g/2"}
    with again.writing(None):
        pass
    assert again.changed_since(seen) is None
    (tmp_path / "changes.json").write_text("{broken", encoding="utf-8")
    assert ChangeJournal(tmp_path).changed_since(again.sequence) is None


def test_a_reader_sees_the_number_before_a_write_under_way_and_a_crash_counts_it_done(tmp_path):
    journal = ChangeJournal(tmp_path)
    before = journal.sequence
    number = journal.note({"http://g/1"})  # the write has started, not finished
    assert journal.sequence == before  # a reader starting now stamps the state before it
    assert journal.changed_since(before) == {"http://g/1"}
    reopened = ChangeJournal(tmp_path)  # the writer was killed half-way
    assert reopened.sequence == number  # the store holds the before or the after state
    assert reopened.changed_since(before) == {"http://g/1"}
    journal.done(number)
    assert journal.sequence == number


def test_threads_writing_at_once_each_get_their_own_number(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    journal = ChangeJournal(tmp_path)
    start = journal.sequence

    def write(i: int) -> int:
        with journal.writing({f"http://g/{i}"}) as number:
            return number

    with ThreadPoolExecutor(16) as pool:
        numbers = list(pool.map(write, range(64)))
    assert len(set(numbers)) == 64
    assert journal.sequence == start + 64
    assert ChangeJournal(tmp_path).changed_since(start) == {f"http://g/{i}" for i in range(64)}


def test_every_write_path_of_the_store_is_journaled(tmp_path):
    store = OxigraphStore(tmp_path / "store")
    graph = ox.NamedNode("http://g/a")
    mark = store.changes.sequence
    store.add([ox.Quad(ox.NamedNode("a:s"), ox.NamedNode("a:p"), ox.Literal("x"), graph)])
    assert store.changes.changed_since(mark) == {"http://g/a"}
    mark = store.changes.sequence
    store.replace_graph(ox.NamedNode("http://g/b"), [])
    store.drop_graph(graph)
    assert store.changes.changed_since(mark) == {"http://g/a", "http://g/b"}
    mark = store.changes.sequence
    store.load([LoadSource("t.ttl", ox.RdfFormat.TURTLE, data=b"<a:s> <a:p> 1 .",
                           graph=ox.NamedNode("http://g/c"))])
    assert store.changes.changed_since(mark) == {"http://g/c"}
    mark = store.changes.sequence
    store.load([LoadSource("q.nq", ox.RdfFormat.N_QUADS, data=b"<a:s> <a:p> \"1\" <http://g/d> .")])
    assert store.changes.changed_since(mark) is None  # a quad file's graphs are not known
    store.close()


@pytest.fixture
def validated(tmp_path: Path):
    store = OxigraphStore(tmp_path / "store")
    load_sample(store)
    full = validate(store, as_of=AS_OF)
    yield store, full
    store.close()


def _relabel(store: OxigraphStore, graph: str, text: str) -> None:
    store.update(f'INSERT DATA {{ GRAPH <{graph}> {{ <urn:x> {LABEL} "{text}" }} }}')


def test_changed_revalidates_only_the_county_written_since_the_last_run(validated):
    store, full = validated
    _relabel(store, COUNTY + "370502", "edited")
    again = validate(store, as_of=AS_OF, changed=True)
    assert sorted(u.name for u in again.units if u.name not in again.skipped_unchanged) == [
        "370502"]
    assert [f.key() for f in again.findings] == [f.key() for f in full.findings]
    nothing = validate(store, as_of=AS_OF, changed=True)
    assert len(nothing.skipped_unchanged) == len(nothing.units)
    assert [f.key() for f in nothing.findings] == [f.key() for f in full.findings]


@pytest.mark.parametrize("change", ["national", "as-of", "bulk-load"])
def test_changed_validates_everything_when_what_all_counties_share_changed(validated, change):
    store, _full = validated
    as_of = AS_OF
    if change == "national":
        _relabel(store, NATIONAL, "national edit")
    elif change == "as-of":
        as_of = date(2030, 1, 1)
    else:
        store.load([LoadSource("q.nq", ox.RdfFormat.N_QUADS,
                               data=b"<urn:x> <urn:p> \"1\" <urn:graph:extra> .")])
    again = validate(store, as_of=as_of, changed=True)
    assert again.skipped_unchanged == []
    assert again.findings == validate(store, as_of=as_of).findings
