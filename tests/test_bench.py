"""The benchmark's engine runner: the three engines give the same rows on the sample data (the
benchmark itself runs on demand, never here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox

from bench.engines import _canonical, _digest
from bpss_kg.loading import sample_sources
from bpss_kg.store import OxigraphStore

ROOT = Path(__file__).resolve().parents[1]


def test_canonical_cells_ignore_decimal_spelling_and_concat_order():
    assert _canonical("88.0") == _canonical("88") == "88"
    assert _canonical("2024-01-01") == "2024-01-01"
    assert _canonical("https://b https://a") == "https://a https://b"
    assert _canonical("370502,110101") == "110101,370502"  # GROUP_CONCAT of county codes
    assert _canonical("济南市,青岛市") == "济南市,青岛市"  # text with commas stays as written
    assert _digest([("1.50", "x")]) == _digest([("1.5", "x")])


def _run(engine: str, data: Path) -> dict[str, dict[str, object]]:
    process = subprocess.run(
        [sys.executable, "-m", "bench.engines", engine, str(data), "--runs", "1",
         "--only", "coverage-by-county", "standards-per-kind", "national-list-tree"],
        capture_output=True, text=True, cwd=ROOT, check=True, timeout=300)
    lines = [json.loads(line) for line in process.stdout.splitlines()]
    return {line["query"]: line for line in lines if "query" in line}


def test_the_three_engines_agree_on_the_sample(tmp_path: Path):
    store = OxigraphStore(tmp_path / "bpss")
    store.load(sample_sources())
    nquads = tmp_path / "sample.nq"
    with nquads.open("wb") as out:
        store.dump(out, ox.RdfFormat.N_QUADS)
    store.close()
    raw = ox.Store(str(tmp_path / "raw"))
    raw.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    raw.flush()
    del raw
    ours = _run("bpss-kg", tmp_path / "bpss")
    assert set(ours) == {"coverage-by-county", "standards-per-kind", "national-list-tree"}
    for engine, data in (("pyoxigraph", tmp_path / "raw"), ("rdflib", nquads)):
        theirs = _run(engine, data)
        for name, line in ours.items():
            assert line["rows"] and theirs[name]["digest"] == line["digest"], (engine, name)
