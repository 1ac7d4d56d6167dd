"""Hostile documents stay bounded: entity bombs, external entities, deep nesting, long
literals and XLSX files with DTD entities are refused with exit 2, the store unchanged."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from bpss_kg.cli import app
from bpss_kg.input_bounds import MAX_NESTING
from bpss_kg.store import OxigraphStore

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"
GOOD = """@prefix ex: <http://example.org/> .
ex:s ex:p "kept" .
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, " ".join(result.output.split())  # rich wraps long lines


@pytest.fixture
def store(tmp_path) -> Path:
    """A store holding one triple, for 'nothing already stored is lost'."""
    good = tmp_path / "good.ttl"
    good.write_text(GOOD, encoding="utf-8")
    path = tmp_path / "store"
    assert run("load", str(good), "--store", str(path), "--no-summaries")[0] == 0
    return path


def contents(path: Path) -> tuple[str, list[str]]:
    """The live database directory and every quad: both must survive a refused load."""
    handle = OxigraphStore(path)
    try:
        return (path / "active").resolve().name, sorted(str(q) for q in handle.quads())
    finally:
        handle.close()


def test_billion_laughs_is_refused_within_seconds_store_unchanged(store):
    before = contents(store)
    started = time.perf_counter()
    code, output = run("load", str(HOSTILE / "billion-laughs.rdf"), "--store", str(store))
    assert time.perf_counter() - started < 10
    assert code == 2
    assert "billion-laughs.rdf, line 10" in output and "entity amplification refused" in output
    assert "&lol6; expands to 3,000,000 characters" in output
    assert contents(store) == before


def test_an_external_entity_is_refused_with_line_and_column(store):
    before = contents(store)
    code, output = run("load", str(HOSTILE / "xxe.rdf"), "--store", str(store))
    assert code == 2
    assert "xxe.rdf, line 3, column 42: external entity &xxe; (file:///etc/passwd) refused" \
        in output
    assert "root:" not in output and contents(store) == before


def test_namespace_entities_as_ontology_editors_write_them_still_load(store):
    code, output = run("load", str(HOSTILE / "entities-ok.rdf"), "--store", str(store),
                       "--no-summaries")
    assert code == 0, output
    assert "+2 quads" in output


def _nested_rdf_xml(levels: int) -> str:
    # rdf:RDF and the outer rdf:Description are two elements; each level adds two more
    return ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns:ex="urn:ex#"><rdf:Description rdf:about="urn:s">'
            + "<ex:p><rdf:Description>" * levels + "</rdf:Description></ex:p>" * levels
            + "</rdf:Description></rdf:RDF>")


def _nested_json_ld(levels: int) -> str:
    return '{"@id": "urn:s", ' + '"urn:p": {' * levels + '"urn:q": 1' + "}" * levels + "}"


@pytest.mark.parametrize(("suffix", "nested", "fits", "refused"), [
    (".rdf", _nested_rdf_xml, (MAX_NESTING - 2) // 2, (MAX_NESTING - 2) // 2 + 1),
    (".jsonld", _nested_json_ld, MAX_NESTING - 1, MAX_NESTING),
])
def test_deep_nesting_is_bounded(store, tmp_path, suffix, nested, fits, refused):
    ok = tmp_path / f"fits{suffix}"
    ok.write_text(nested(fits), encoding="utf-8")
    code, output = run("load", str(ok), "--store", str(store), "--no-summaries")
    assert code == 0, output
    before = contents(store)
    deep = tmp_path / f"deep{suffix}"
    deep.write_text(nested(refused), encoding="utf-8")
    code, output = run("load", str(deep), "--store", str(store))
    assert code == 2 and f"nested deeper than {MAX_NESTING}" in output and deep.name in output
    assert contents(store) == before


def test_deeply_nested_json_ld_no_longer_crashes_the_process(store, tmp_path):
    """10,000 nested JSON-LD objects overflow Oxigraph's stack (a segfault) when parsed."""
    deep = tmp_path / "crash.jsonld"
    deep.write_text(_nested_json_ld(10_000), encoding="utf-8")
    code, output = run("load", str(deep), "--store", str(store))
    assert code == 2 and "nested deeper than" in output


def test_a_literal_past_the_bound_is_refused(store, tmp_path, monkeypatch):
    monkeypatch.setenv("BPSS_KG_MAX_LITERAL_CHARS", "1000")
    xml = tmp_path / "long.rdf"  # 11 references to a 100-character entity in one literal
    xml.write_text('<!DOCTYPE rdf:RDF [<!ENTITY x "' + "x" * 100 + '">]>'
                   '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                   'xmlns:ex="urn:ex#"><rdf:Description rdf:about="urn:s"><ex:p>'
                   + "&x;" * 11 + "</ex:p></rdf:Description></rdf:RDF>", encoding="utf-8")
    before = contents(store)
    code, output = run("load", str(xml), "--store", str(store))
    assert code == 2 and "a literal of more than 1,000 characters" in output
    assert contents(store) == before
    turtle = tmp_path / "long.ttl"  # parsed in Python: validated files, HTTP payloads
    turtle.write_text(f'<urn:s> <urn:p> "{"y" * 1001}" .', encoding="utf-8")
    code, output = run("validate", str(turtle))
    assert code == 2 and "a literal of 1,001 characters" in output and "long.ttl" in output


def hostile_xlsx(doctype: str, cell_text: str) -> bytes:
    """A one-cell workbook whose sheet XML carries ``doctype`` and ``cell_text`` in A1."""
    workbook = Workbook()
    workbook.active["A1"] = "x"
    plain = io.BytesIO()
    workbook.save(plain)
    source = zipfile.ZipFile(io.BytesIO(plain.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = (doctype + body.decode().replace("<t>x</t>", f"<t>{cell_text}</t>")
                        ).encode()
            target.writestr(info, body)
    return out.getvalue()


XLSX_CASES = {
    "xxe.xlsx": ('<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;"),
    "laughs.xlsx": ('<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b '
                    '"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>', "&b;"),
}


@pytest.mark.parametrize("name", sorted(XLSX_CASES))
def test_an_xlsx_with_dtd_entities_is_refused_naming_the_file(tmp_path, name):
    table = tmp_path / name
    table.write_bytes(hostile_xlsx(*XLSX_CASES[name]))
    code, output = run("import", str(table), "--county", "370502", "--dry-run",
                       "--store", str(tmp_path / "store"))
    assert code == 2, output
    assert f"{name}: 拒绝读取" in output and "refused: the XLSX file's XML declares entities" \
        in output
    assert "Traceback" not in output and "root:" not in output


def test_an_xlsx_that_unpacks_past_the_bound_is_refused(tmp_path, monkeypatch):
    from bpss_kg.tables import reading

    monkeypatch.setattr(reading, "MAX_XLSX_UNPACKED", 10_000)
    table = tmp_path / "big.xlsx"
    workbook = Workbook()
    workbook.active["A1"] = "x" * 20_000
    workbook.save(table)
    code, output = run("import", str(table), "--county", "370502", "--dry-run",
                       "--store", str(tmp_path / "store"))
    assert code == 2 and "big.xlsx: the XLSX file unpacks to" in output
