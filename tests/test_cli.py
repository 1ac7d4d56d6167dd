"""The bpss-kg command line on the bundled sample data, end to end through a real store."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from bpss_kg.cli import app
from bpss_kg.editions import EDITIONS_GRAPH
from bpss_kg.store import OxigraphStore

SAMPLE_COUNTIES = ["330424", "370214", "370502", "370503", "440104"]


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "store"
    result = CliRunner().invoke(app, ["load", "--sample", "--store", str(path)])
    assert result.exit_code == 0, result.output
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_stats_counts_the_sample_counties(sample_store):
    code, output = run("stats", "--format", "json", "--store", str(sample_store))
    assert code == 0, output
    summary = json.loads(output)
    assert summary["counties"] == len(SAMPLE_COUNTIES)
    graphs = summary["triples_per_graph"]
    assert "https://w3id.org/bpss-kg/graph/ontology" in graphs
    assert "https://w3id.org/bpss-kg/graph/national" in graphs
    assert set(summary["standards_per_subsystem"]) == {"基准指标", "服务实施", "监测改进"}


def test_query_file_returns_one_row_per_county(sample_store, test_data):
    code, output = run("query", str(test_data / "standards-per-county.rq"), "--format", "csv",
                       "--store", str(sample_store))
    assert code == 0, output
    rows = list(csv.DictReader(io.StringIO(output)))
    assert [r["county"].rsplit("/", 1)[1] for r in rows] == SAMPLE_COUNTIES
    assert all(12 <= int(r["standards"]) <= 21 for r in rows)


def test_query_parameter_is_bound_as_a_place(sample_store, test_data):
    code, output = run("query", str(test_data / "standards-per-county.rq"),
                       "--param", "county=370502", "--format", "json",
                       "--store", str(sample_store))
    assert code == 0, output
    bindings = json.loads(output)["results"]["bindings"]
    assert [b["county"]["value"] for b in bindings] == [
        "https://w3id.org/bpss-kg/id/place/370502"]


@pytest.mark.parametrize("value", ["37050", "370502 } UNION { ?s ?p ?o", "<x>"])
def test_bad_parameter_values_exit_2_with_the_reason(sample_store, test_data, value):
    code, output = run("query", str(test_data / "standards-per-county.rq"),
                       "--param", f"county={value}", "--store", str(sample_store))
    assert code == 2
    assert "parameter 'county' (place)" in output


def test_unknown_parameter_and_unknown_query_exit_2(sample_store, test_data):
    code, output = run("query", str(test_data / "standards-per-county.rq"),
                       "--param", "year=2024", "--store", str(sample_store))
    assert code == 2 and "has no parameter year" in output
    code, output = run("query", "no-such-query", "--store", str(sample_store))
    assert code == 2 and "no library query named 'no-such-query'" in output


def test_broken_file_exits_2_naming_file_and_line_and_keeps_the_store(tmp_path, test_data):
    store = tmp_path / "store"
    assert run("load", str(test_data / "two-standards.ttl"), "--store", str(store))[0] == 0
    code, output = run("load", str(test_data / "county-graph.trig"),
                       str(test_data / "broken-line-7.ttl"), "--store", str(store))
    assert code == 2
    assert "broken-line-7.ttl" in output and "line 7" in output
    handle = OxigraphStore(store)
    assert len(handle) == 7
    handle.close()


def test_load_needs_files_or_sample(tmp_path):
    code, output = run("load", "--store", str(tmp_path / "s"))
    assert code == 2 and "FILE... or --sample" in output


def test_store_in_use_exits_3(tmp_path, test_data):
    path = tmp_path / "store"
    holder = OxigraphStore(path)
    try:
        code, output = run("load", str(test_data / "two-standards.ttl"), "--store", str(path))
    finally:
        holder.close()
    assert code == 3 and "in use by another process" in output


def _as_rdflib(quads: set) -> Graph:
    return Graph().parse(data="\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads),
                         format="nt")


def test_export_then_load_gives_the_same_dataset(sample_store, tmp_path):
    dump = tmp_path / "all.nq"
    code, output = run("export", "--out", str(dump), "--store", str(sample_store))
    assert code == 0, output
    copy = tmp_path / "copy"
    assert run("load", str(dump), "--store", str(copy))[0] == 0
    original, reloaded = OxigraphStore(sample_store, read_only=True), OxigraphStore(copy)
    assert original.named_graphs() == reloaded.named_graphs()
    for graph in original.named_graphs():
        mine = set(original.quads(graph))
        theirs = set(reloaded.quads(graph))
        if graph.value == EDITIONS_GRAPH:
            # Each store keeps its own record of editions: the copy's says it was loaded once
            # from the dump, whatever the dump said of the original's editions.
            assert theirs and mine != theirs
            assert {q.object.value for q in theirs
                    if q.predicate.value == "http://purl.org/dc/terms/description"
                    } == {"cli load"}
        else:  # equal up to blank-node labels, which a reload may choose anew
            assert isomorphic(_as_rdflib(mine), _as_rdflib(theirs)), graph
    reloaded.close()


def test_export_one_graph_as_turtle(sample_store, tmp_path):
    out = tmp_path / "county.ttl"
    graph = "https://w3id.org/bpss-kg/graph/county/370502"
    code, output = run("export", "--graph", graph, "--out", str(out),
                       "--store", str(sample_store))
    assert code == 0, output
    assert "370502" in out.read_text(encoding="utf-8")
    code, output = run("export", "--out", str(tmp_path / "all.ttl"), "--store", str(sample_store))
    assert code == 2 and "give --graph" in output


def test_generate_writes_dataset_and_manifest(tmp_path):
    out = tmp_path / "national.nq"
    code, output = run("generate", "--counties", "5", "--seed", "7", "--out", str(out))
    assert code == 0, output
    assert out.stat().st_size > 0
    assert Path(str(out) + ".manifest.json").is_file()
    code, output = run("generate", "--counties", "5", "--seed", "7", "--out",
                       str(tmp_path / "x.ttl"))
    assert code == 2 and ".nq or .trig" in output
