"""A researcher's own files through the command line: plain SPARQL files, relative IRIs and
``--base``, ill-typed literals, and ``generate`` giving the same bytes for the same arguments."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bpss_kg.cli import app
from bpss_kg.queries import find_query, is_library_file

BPSS_KG = str(Path(sys.executable).with_name("bpss-kg"))
RELATIVE = """@prefix dcterms: <http://purl.org/dc/terms/> .
<> dcterms:title "a document about itself" .
<#x> dcterms:isPartOf <> ; dcterms:relation <other.ttl#y> .
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def loaded(tmp_path) -> tuple[Path, Path]:
    """A store holding one Turtle file with relative IRIs (loaded with no --base)."""
    data = write(tmp_path / "doc.ttl", RELATIVE)
    store = tmp_path / "store"
    code, output = run("load", str(data), "--graph", "urn:g", "--store", str(store),
                       "--no-summaries")
    assert code == 0, output
    return store, data


def test_a_plain_sparql_file_runs_without_the_library_header(loaded, tmp_path):
    store, _ = loaded
    query = write(tmp_path / "my.rq", "SELECT ?t WHERE { ?s <http://purl.org/dc/terms/title> "
                                      "?t }\n")
    code, output = run("query", str(query), "--format", "csv", "--store", str(store))
    assert code == 0, output
    assert output.splitlines() == ["t", "a document about itself"]
    ask = write(tmp_path / "ask.sparql", "# just a comment\nASK { ?s ?p ?o }")
    code, output = run("query", str(ask), "--store", str(store))
    assert code == 0 and "true" in output


def test_a_syntax_error_in_a_query_file_names_the_file(loaded, tmp_path):
    store, _ = loaded
    broken = write(tmp_path / "broken.rq", "SELECT ?s WHERE { ?s ?p }")
    code, output = run("query", str(broken), "--store", str(store))
    assert code == 2 and "broken.rq" in output and "SPARQL syntax error" in output


def test_a_users_file_named_like_a_library_query_is_not_the_library_query(tmp_path):
    mine = write(tmp_path / "coverage-by-county.rq", "SELECT * WHERE { ?s ?p ?o }")
    assert not is_library_file(find_query(str(mine)))  # never answered from the summaries
    assert is_library_file(find_query("coverage-by-county"))


def test_relative_iris_resolve_against_the_files_own_iri(loaded, tmp_path):
    store, data = loaded
    query = write(tmp_path / "parts.rq", "SELECT ?part ?whole ?other WHERE { ?part "
                  "<http://purl.org/dc/terms/isPartOf> ?whole ; "
                  "<http://purl.org/dc/terms/relation> ?other }")
    code, output = run("query", str(query), "--format", "csv", "--store", str(store))
    assert code == 0, output
    doc = data.resolve().as_uri()
    assert output.splitlines()[1] == f"{doc}#x,{doc},{doc.rsplit('/', 1)[0]}/other.ttl#y"


def test_load_takes_a_base_iri(tmp_path):
    data = write(tmp_path / "doc.ttl", RELATIVE)
    store = tmp_path / "store"
    code, output = run("load", str(data), "--base", "https://example.org/docs/a",
                       "--graph", "urn:g", "--store", str(store), "--no-summaries")
    assert code == 0, output
    query = write(tmp_path / "q.rq", "SELECT ?s WHERE { ?s <http://purl.org/dc/terms/isPartOf> "
                                     "?o }")
    assert run("query", str(query), "--format", "csv", "--store",
               str(store))[1].splitlines()[1] == "https://example.org/docs/a#x"
    code, output = run("load", str(data), "--base", "docs/a", "--store", str(store))
    assert code == 2 and "the base must be an absolute IRI" in output


def test_validate_resolves_relative_iris_and_takes_a_base(tmp_path):
    shapes = write(tmp_path / "shapes.ttl", """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<#TitleShape> a sh:NodeShape ; sh:targetSubjectsOf dcterms:isPartOf ;
  sh:property [ sh:path dcterms:title ; sh:minCount 1 ] .
""")
    data = write(tmp_path / "doc.ttl", RELATIVE)
    result = CliRunner().invoke(app, ["validate", str(data), "--shapes", str(shapes),
                                      "--format", "json"])
    assert result.exit_code == 1, result.output
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["focus"] == f"<{data.resolve().as_uri()}#x>"
    assert finding["shape"] == f"<{shapes.resolve().as_uri()}#TitleShape/property/1>"
    result = CliRunner().invoke(app, ["validate", str(data), "--shapes", str(shapes),
                                      "--format", "json", "--base", "urn:doc:1"])
    assert json.loads(result.stdout)["findings"][0]["focus"] == "<urn:doc:1#x>"


ILL_TYPED = """@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<urn:doc:1> dcterms:issued "2024-13-45"^^xsd:date .
"""
DATE_SHAPE = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<urn:shape:Issued> a sh:NodeShape ; sh:targetSubjectsOf dcterms:issued ;
  sh:property [ sh:path dcterms:issued ; sh:datatype xsd:date ] .
"""


@pytest.mark.parametrize("engine", ["sparql", "pyshacl"])
def test_an_ill_typed_literal_is_a_one_line_warning_never_a_traceback(tmp_path, engine):
    data = write(tmp_path / "ill.ttl", ILL_TYPED)
    done = subprocess.run([BPSS_KG, "validate", str(data), "--engine", engine, "--format",
                           "turtle", "--as-of", "2026-01-01"], capture_output=True, text=True,
                          timeout=300, cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr and "Failed to convert" not in done.stderr
    assert done.stderr.splitlines() == [
        '注意 / warning: ill.ttl: "2024-13-45"^^<http://www.w3.org/2001/XMLSchema#date> is not '
        "a valid xsd:date (subject <urn:doc:1>, property <http://purl.org/dc/terms/issued>)"]


@pytest.mark.parametrize("engine", ["sparql", "pyshacl"])
def test_an_ill_typed_literal_fails_sh_datatype(tmp_path, engine):
    data = write(tmp_path / "ill.ttl", ILL_TYPED)
    shapes = write(tmp_path / "shapes.ttl", DATE_SHAPE)
    result = CliRunner().invoke(app, ["validate", str(data), "--shapes", str(shapes),
                                      "--format", "json", "--engine", engine])
    assert result.exit_code == 1, result.output
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["component"] == "http://www.w3.org/ns/shacl#DatatypeConstraintComponent"
    assert finding["value"] == '"2024-13-45"^^<http://www.w3.org/2001/XMLSchema#date>'


def test_generate_gives_the_same_bytes_for_the_same_arguments(tmp_path):
    """Two processes with different string-hash seeds (set iteration order differs between
    them, as between two runs of a user's): the files must be byte-identical."""
    outputs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"run{hash_seed}" / "national.nq"
        out.parent.mkdir()
        done = subprocess.run([BPSS_KG, "generate", "--counties", "3", "--seed", "5", "--out",
                               str(out)], capture_output=True, text=True, timeout=300,
                              env={**os.environ, "PYTHONHASHSEED": hash_seed})
        assert done.returncode == 0, done.stderr
        outputs.append((out.read_bytes(), Path(f"{out}.manifest.json").read_bytes()))
    assert outputs[0][0] == outputs[1][0] and len(outputs[0][0]) > 300_000
    assert outputs[0][1] == outputs[1][1]
