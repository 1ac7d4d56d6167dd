"""The engine path through `bpss-kg serve` itself: an ad-hoc aggregate answered by the engine
(``X-BPSS-Engine: maplib``), a county import (Graph Store PUT of the county's graph), the same
query seeing the new data within 2 s, and the engine answering again once it has caught up;
``--engine oxigraph`` turns it off."""

from __future__ import annotations

import json
import time
import urllib.parse
from pathlib import Path

import pytest

from bpss_kg.loading import load_sample
from bpss_kg.store import OxigraphStore

from .serve_process import request, serving

pytest.importorskip("maplib", reason="maplib (the analytical engine) is not installed")

ADMIN = "engine-admin-token"
COUNTY = "370502"
GRAPH = f"https://w3id.org/bpss-kg/graph/county/{COUNTY}"
BPSS = "https://w3id.org/bpss-kg/def#"
PER_COUNTY = f"""SELECT ?county (COUNT(?standard) AS ?standards) WHERE {{
  ?system a <{BPSS}CountyStandardSystem> ; <{BPSS}forDivision> ?county .
  ?standard <{BPSS}inSystem> ?system . }} GROUP BY ?county ORDER BY ?county"""


def _ask(base: str) -> tuple[str, dict[str, int]]:
    status, headers, body = request("POST", f"{base}/sparql", PER_COUNTY.encode(), {
        "Content-Type": "application/sparql-query",
        "Accept": "application/sparql-results+json"})
    assert status == 200, body
    rows = json.loads(body)["results"]["bindings"]
    counts = {r["county"]["value"].rsplit("/", 1)[1]: int(r["standards"]["value"]) for r in rows}
    return headers["X-BPSS-Engine"], counts


def _until(condition, seconds: float):
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


@pytest.fixture
def store_dir(tmp_path) -> Path:
    store = OxigraphStore(tmp_path / "store")
    load_sample(store)
    store.close()
    return tmp_path / "store"


def test_engine_answers_then_sees_a_county_import_within_2_s(store_dir, tmp_path):
    env = {"BPSS_KG_UPDATE_TOKEN": ADMIN, "BPSS_KG_ANSWER_CACHE_MB": "0"}
    with serving(store_dir, tmp_path / "serve.log", env=env) as served:
        assert _until(lambda: _ask(served.base)[0] == "maplib", 60), served.log_text()
        _engine, before = _ask(served.base)
        status, _, county = request("GET", served.url(
            "/graph-store?graph=" + urllib.parse.quote(GRAPH, safe="")),
            headers={"Accept": "application/n-triples"})
        assert status == 200
        system = next(line.split()[0] for line in county.decode().splitlines()
                      if line.endswith(f"<{BPSS}CountyStandardSystem> ."))
        added = (f"<urn:x:engine-test-standard> <{BPSS}inSystem> {system} .\n").encode()
        status, _, body = request("PUT", served.url(
            "/graph-store?graph=" + urllib.parse.quote(GRAPH, safe="")), county + added,
            {"Content-Type": "application/n-triples", "Authorization": f"Bearer {ADMIN}"})
        assert status in (200, 201, 204), body
        written = time.monotonic()
        assert _until(lambda: _ask(served.base)[1][COUNTY] == before[COUNTY] + 1, 2.0)
        assert time.monotonic() - written <= 2.0
        # The engine catches up (one county's rows replaced) and answers with the new data.
        assert _until(lambda: _ask(served.base) == (
            "maplib", {**before, COUNTY: before[COUNTY] + 1}), 30), served.log_text()


def test_serve_engine_oxigraph_answers_everything_with_oxigraph(store_dir, tmp_path):
    with serving(store_dir, tmp_path / "serve.log", extra=["--engine", "oxigraph"]) as served:
        engine, counts = _ask(served.base)
        assert engine == "oxigraph" and counts[COUNTY] > 0
