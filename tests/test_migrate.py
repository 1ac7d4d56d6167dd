"""`bpss-kg migrate`: older data (kind, sub-system and system number on the standard) moved to
the standards' entries in the system, on a real on-disk store through the CLI; --dry-run writes
nothing, a second run is a no-op, a standard that cannot be migrated stops the whole run."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
from typer.testing import CliRunner

from bpss_kg.cli import app
from bpss_kg.store import OxigraphStore

TEST_DATA = Path(__file__).resolve().parent / "data"
OLD_STYLE = TEST_DATA / "old-style-county.trig"
GRAPH = "https://w3id.org/bpss-kg/graph/county/370502"
ID = "https://w3id.org/bpss-kg/id/"
BPSS = "https://w3id.org/bpss-kg/def#"
SYSTEM = ID + "system/county/370502"


def _cli(*args: str):
    return CliRunner().invoke(app, list(args))


def _loaded(tmp_path: Path, *files: Path) -> Path:
    path = tmp_path / "store"
    result = _cli("load", *map(str, files), "--no-summaries", "--store", str(path))
    assert result.exit_code == 0, result.output
    return path


def _quads(path: Path) -> set[str]:
    store = OxigraphStore(path)
    try:
        return {str(q) for q in store.quads(ox.NamedNode(GRAPH))}
    finally:
        store.close()


def _entries(path: Path) -> set[tuple[str, str, str | None, str | None, str | None]]:
    store = OxigraphStore(path)
    try:
        rows = store.query(f"""
            PREFIX bpss: <{BPSS}>
            SELECT ?entry ?standard ?kind ?sub ?number WHERE {{ GRAPH <{GRAPH}> {{
              ?entry a bpss:SystemMembership ; bpss:memberOf <{SYSTEM}> ;
                     bpss:memberStandard ?standard ; bpss:standardKind ?kind ;
                     bpss:inSubSystem ?sub ; bpss:isSynthetic true .
              ?standard bpss:inSystem <{SYSTEM}> .
              OPTIONAL {{ ?entry bpss:systemNumber ?number }} }} }}""")
        return {tuple(None if r[n] is None else r[n].value.rsplit("/", 1)[-1]
                      for n in ("entry", "standard", "kind", "sub", "number"))
                for r in rows}  # type: ignore[union-attr]
    finally:
        store.close()


def _legacy(path: Path) -> int:
    store = OxigraphStore(path)
    try:
        rows = list(store.query(f"""PREFIX bpss: <{BPSS}>
            SELECT ?s WHERE {{ ?s a bpss:Standard ; ?p ?o .
              FILTER(?p IN (bpss:standardKind, bpss:inSubSystem, bpss:systemNumber)) }}"""))
        return len(rows)
    finally:
        store.close()


def test_dry_run_reports_and_changes_nothing(tmp_path):
    path = _loaded(tmp_path, OLD_STYLE)
    before = _quads(path)
    result = _cli("migrate", "--dry-run", "--format", "json", "--store", str(path))
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["written"] is False and report["problems"] == []
    assert report["graphs"] == [{
        "graph": GRAPH, "standards": 3, "entries_created": 3, "triples_moved": 8,
        "in_system_added": 1, "triples_added": 3 * 3 + 3 * 2 + 8 + 1, "triples_removed": 8}]
    assert _quads(path) == before


def _fault_kinds(path: Path) -> set[str]:
    check = _cli("validate", "--county", "370502", "--format", "json", "--store", str(path))
    assert check.exit_code in (0, 1), check.output
    return {f["fault"] for f in json.loads(check.stdout)["findings"]}


def test_migrate_moves_the_classification_and_a_second_run_is_a_no_op(tmp_path):
    path = _loaded(tmp_path, OLD_STYLE)
    assert {"membership-mismatch", "legacy-classification"} <= _fault_kinds(path)
    result = _cli("migrate", "--store", str(path))
    assert result.exit_code == 0, result.output
    assert f"{GRAPH}: moved the classification of 3 standard(s)" in result.stdout
    assert _entries(path) == {
        ("DB37-T-9201-2024", "DB37-T-9201-2024", "basic-general", "baseline-indicator", "BA-01"),
        ("DB37-T-9202-2024", "DB37-T-9202-2024", "service-provision", "service-implementation",
         None),
        ("county-370502-SE-03", "SE-03", "service-guarantee", "service-implementation", "SE-03"),
    }
    assert _legacy(path) == 0
    history = _cli("history", "--county", "370502", "--format", "json", "--store", str(path))
    assert history.exit_code == 0, history.output
    assert [e["action"] for e in json.loads(history.stdout)][-1] == "cli migrate"
    after = _quads(path)
    again = _cli("migrate", "--store", str(path))
    assert again.exit_code == 0, again.output
    assert "nothing to migrate" in again.stdout
    assert _quads(path) == after
    # what migrate wrote passes the two membership shapes
    assert not _fault_kinds(path) & {"membership-mismatch", "legacy-classification"}


def test_a_standard_in_two_systems_stops_the_run_and_nothing_is_written(tmp_path):
    second = tmp_path / "second-system.trig"
    second.write_text(f"<{GRAPH}> {{ <{ID}standard/DB37-T-9201-2024> <{BPSS}inSystem> "
                      f"<{ID}system/county/370503> . }}\n", encoding="utf-8")
    path = _loaded(tmp_path, OLD_STYLE, second)
    before = _quads(path)
    result = _cli("migrate", "--store", str(path))
    assert result.exit_code == 2, result.output
    assert "DB37-T-9201-2024" in result.output and "in 2 systems" in result.output
    assert "nothing was written" in result.output
    assert _quads(path) == before


def test_sample_data_has_nothing_to_migrate(tmp_path):
    path = tmp_path / "store"
    assert _cli("load", "--sample", "--no-summaries", "--store", str(path)).exit_code == 0
    result = _cli("migrate", "--format", "json", "--store", str(path))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"dry_run": False, "written": False, "graphs": [],
                                         "problems": []}


def test_an_unreachable_store_is_a_store_error(tmp_path):
    """Exit 3, as for every command: a remote store that does not answer (port 9, discard)."""
    result = _cli("migrate", "--store", "http://127.0.0.1:9/sparql")
    assert result.exit_code == 3
    assert "unreachable" in result.output


def test_an_entry_with_another_system_number_stops_the_run(tmp_path):
    entry = f"{ID}membership/370502/DB37-T-9201-2024"
    clash = tmp_path / "clash.trig"
    clash.write_text(
        f"<{GRAPH}> {{ <{entry}> a <{BPSS}SystemMembership> ; <{BPSS}memberOf> <{SYSTEM}> ; "
        f"<{BPSS}memberStandard> <{ID}standard/DB37-T-9201-2024> ; "
        f'<{BPSS}systemNumber> "BA-99" . }}\n', encoding="utf-8")
    path = _loaded(tmp_path, OLD_STYLE, clash)
    before = _quads(path)
    result = _cli("migrate", "--store", str(path))
    assert result.exit_code == 2, result.output
    assert "already has systemNumber ['BA-99'], the standard says BA-01" in result.output
    assert _quads(path) == before
