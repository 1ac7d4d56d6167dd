"""The embedded store: all-or-nothing loads, error locations, persistence, crash leftovers."""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest

from bpss_kg.errors import BadInput, StoreError
from bpss_kg.loading import load_files
from bpss_kg.store import OxigraphStore

COUNTY_GRAPH = ox.NamedNode("https://w3id.org/bpss-kg/graph/county/370502")


def test_load_turtle_into_named_graph(store, test_data):
    report = load_files(store, [test_data / "two-standards.ttl"],
                        graph="https://w3id.org/bpss-kg/graph/county/370502")
    assert report.quads_before == 0
    assert report.quads_after == 7
    assert store.named_graphs() == [COUNTY_GRAPH]


def test_trig_keeps_its_graphs_and_blank_nodes_stay_apart(store, test_data):
    load_files(store, [test_data / "county-graph.trig", test_data / "blank-node-b1.nt"])
    labels = {q.object.value for q in store.quads() if q.predicate.value.endswith("#label")}
    assert "blank node one" in labels and "blank node in another document" in labels
    subjects = {q.subject for q in store.quads() if isinstance(q.subject, ox.BlankNode)}
    assert len(subjects) == 2


def test_broken_file_in_batch_changes_nothing(store, test_data):
    load_files(store, [test_data / "two-standards.ttl"])
    before = sorted(map(str, store.quads()))
    with pytest.raises(BadInput) as caught:
        load_files(store, [test_data / "county-graph.trig", test_data / "broken-line-7.ttl"])
    assert caught.value.where.file.endswith("broken-line-7.ttl")
    assert caught.value.where.line == 7
    assert "syntax error" in str(caught.value)
    assert sorted(map(str, store.quads())) == before


def test_unknown_extension_and_missing_file_are_bad_input(store, tmp_path):
    odd = tmp_path / "data.xlsx"
    odd.write_bytes(b"not rdf")
    with pytest.raises(BadInput, match="unknown RDF file extension"):
        load_files(store, [odd])
    with pytest.raises(BadInput, match="no such file"):
        load_files(store, [tmp_path / "missing.ttl"])


def test_store_persists_across_reopen(store_path, test_data):
    first = OxigraphStore(store_path)
    load_files(first, [test_data / "county-graph.trig"])
    count = len(first)
    first.close()
    del first
    again = OxigraphStore(store_path)
    assert len(again) == count
    again.close()


def test_second_writer_gets_a_clear_error(store, store_path):
    with pytest.raises(StoreError, match="in use by another process"):
        OxigraphStore(store_path)


def test_interrupted_load_leftovers_are_removed_and_data_kept(store_path, test_data):
    first = OxigraphStore(store_path)
    load_files(first, [test_data / "two-standards.ttl"])
    expected = len(first)
    first.close()
    del first
    # What a SIGKILL half-way through a load leaves: a half-written next database.
    half = store_path / "data-000099"
    half.mkdir()
    (half / "000001.sst").write_bytes(b"partial")
    (store_path / ".active.tmp").symlink_to("data-000099")
    reopened = OxigraphStore(store_path)
    assert len(reopened) == expected
    assert not half.exists()
    assert os.readlink(store_path / "active") != "data-000099"
    reopened.close()


def test_refuses_a_non_store_directory(tmp_path: Path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(StoreError, match="not a bpss-kg store"):
        OxigraphStore(tmp_path)


def test_query_bindings_are_terms_not_text(store, test_data):
    load_files(store, [test_data / "two-standards.ttl"])
    query = ("SELECT ?s ?number WHERE { ?s <https://w3id.org/bpss-kg/def#standardNumber> ?number }")
    hostile = ox.Literal('x" } ; DROP ALL ; SELECT * { "')
    assert list(store.query(query, bindings={"number": hostile})) == []
    found = list(store.query(query, bindings={"number": ox.Literal("DB37/T 9001—2024")}))
    assert [s["s"].value for s in found] == [
        "https://w3id.org/bpss-kg/id/standard/DB37-T-9001-2024"]


def test_replace_graph_is_one_step(store, test_data):
    load_files(store, [test_data / "two-standards.ttl"], graph=COUNTY_GRAPH.value)
    triple = ox.Triple(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/p"),
                       ox.Literal("v"))
    store.replace_graph(COUNTY_GRAPH, [triple])
    assert [q.triple for q in store.quads(COUNTY_GRAPH)] == [triple]


def test_malformed_sparql_is_bad_input(store):
    with pytest.raises(BadInput, match="SPARQL syntax error"):
        store.query("SELEC ?x WHERE { ?x ?y ?z }")
