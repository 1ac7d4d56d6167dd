"""Editions at scale: what keeping every county's yearly re-submission costs.

    python -m bench.editions [--counties 200] [--editions 10] [--out FILE]

Builds a store of the synthetic dataset (``generate --counties N --seed 1``, loaded without
summaries), then writes ``--editions`` editions of every county graph through the write gate
(the same ``WriteGate`` + ``EditionLog`` the server uses; no HTTP, so the figures are the cost
of the editions themselves): each edition revises one standard's title, changes every
indicator value of one year and adds one standard — a small yearly re-submission. Measured:

  write      time of one gated write (the county graph imaged before and after, the delta
             recorded, edition metadata added to the store): median and p95 over all writes
  size       editions.sqlite bytes after all writes, per edition, and against the store's data
  state      rebuilding one county graph as of its newest edition from the log (median over
             20 counties)
  diff       ``bpss-kg diff`` between edition 1 and the newest (``system_diff.edition_pair``)
             for 20 counties: median

Not part of the test suite. Results go to docs/performance-results/editions.json.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.report import write_results
from bpss_kg.access import Scope, Writer
from bpss_kg.editions import EditionLog
from bpss_kg.generate import generate
from bpss_kg.loading import county_graph_names, load_files, load_sample
from bpss_kg.store import OxigraphStore
from bpss_kg.system_diff import edition_pair
from bpss_kg.writes import WriteGate

RESULTS = Path(__file__).resolve().parent.parent / "docs" / "performance-results"
BPSS = "https://w3id.org/bpss-kg/def#"
OFFICE = Writer("bench", "bench office", Scope("admin"))


def _revision(graph: str, year: int) -> str:
    """One yearly re-submission: a standard retitled, one year's indicator values changed,
    one standard added (all in the county's own graph)."""
    code = graph.rsplit("/", 1)[-1]
    new = f"https://w3id.org/bpss-kg/id/standard/bench-{code}-{year}"
    return f"""
PREFIX bpss: <{BPSS}>
PREFIX dcterms: <http://purl.org/dc/terms/>
DELETE {{ GRAPH <{graph}> {{ ?std dcterms:title ?old }} }}
INSERT {{ GRAPH <{graph}> {{ ?std dcterms:title ?title }} }}
WHERE {{ GRAPH <{graph}> {{
  {{ SELECT ?std WHERE {{ ?std a bpss:Standard }} ORDER BY ?std LIMIT 1 }}
  ?std dcterms:title ?old FILTER(lang(?old) = "zh")
  BIND(STRLANG(CONCAT("修订", "{year}"), "zh") AS ?title) }} }} ;
DELETE {{ GRAPH <{graph}> {{ ?obs bpss:observedValue ?v }} }}
INSERT {{ GRAPH <{graph}> {{ ?obs bpss:observedValue ?w }} }}
WHERE {{ GRAPH <{graph}> {{ ?obs a bpss:IndicatorObservation ; bpss:observedValue ?v .
  BIND(?v + 0.1 AS ?w) }} }} ;
INSERT DATA {{ GRAPH <{graph}> {{
  <{new}> a bpss:Standard ; bpss:standardNumber "BENCH/T {code}—{year}" ;
    bpss:inSystem <https://w3id.org/bpss-kg/id/system/county/{code}> ;
    dcterms:title "基准测试新增标准（合成）"@zh ; bpss:isSynthetic true . }} }}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counties", type=int, default=200)
    parser.add_argument("--editions", type=int, default=10)
    parser.add_argument("--out", type=Path, default=RESULTS / "editions.json")
    args = parser.parse_args()
    load_avg = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-editions-") as tmp:
        folder = Path(tmp)
        data = folder / "national.nq"
        generate(counties=args.counties, seed=1, out=data)
        store = OxigraphStore(folder / "store")
        load_sample(store)
        load_files(store, [data])
        graphs = county_graph_names(store)
        log = EditionLog(store.path)
        gate = WriteGate(store, None, after_write=lambda: None, editions=log)
        times: list[float] = []
        for n in range(1, args.editions + 1):
            for graph in graphs:
                text = _revision(graph, 2024 + n)
                start = time.perf_counter()
                gate.write(OFFICE, "bench", {graph}, lambda t=text: store.update(t))
                times.append(time.perf_counter() - start)
        store.flush()
        size = log.size()
        data_bytes = sum(p.stat().st_size for p in (folder / "store").rglob("*")
                         if p.is_file() and "snapshots" not in p.parts)
        sample = graphs[:: max(1, len(graphs) // 20)][:20]
        state_times, diff_times = [], []
        for graph in sample:
            start = time.perf_counter()
            log.state(graph)
            state_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            _, _, diff = edition_pair(log, graph, graph, 1, None)
            diff_times.append(time.perf_counter() - start)
            assert diff.added and diff.values_changed  # the revisions are seen
        log.close()
        store.close()
    ordered = sorted(times)
    result = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_average_at_start": load_avg},
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "counties": len(graphs), "editions_per_county": args.editions,
        "writes": len(times),
        "write_s": {"median": statistics.median(times),
                    "p95": ordered[int(0.95 * (len(ordered) - 1))], "max": ordered[-1]},
        "editions_bytes": size, "bytes_per_edition": size / len(times),
        "store_bytes": data_bytes,
        "state_s_median": statistics.median(state_times),
        "diff_s_median": statistics.median(diff_times),
        "note": "a graph's first gated write is a snapshot edition (the whole graph), the "
                "later ones deltas (RDF Patch); the store was loaded by the library, "
                "without editions",
    }
    write_results(args.out, result)


if __name__ == "__main__":
    main()
