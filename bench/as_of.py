"""Validity time at scale: what ``--as-of DATE`` costs on top of a query.

    python -m bench.as_of [--counties 300] [--data FILE.nq] [--runs 5] [--out FILE]

Builds a store of the synthetic dataset (``generate --counties N --seed 1``, or ``--data``, an
N-Quads file made by ``generate``), loaded without summaries, then measures (medians of
``--runs`` runs, in-process):

  copy-county   ``validity.view_as_of(store, D, county=C)``: the national layer, the ontology
                and one county, copied and made "as of D" (what a county question costs)
  copy-all      the same for the whole dataset (what a national question costs)
  query-county  ``standards-per-kind`` with ``--as-of`` for one county, copy included
  query-all     ``standards-per-kind`` with ``--as-of`` nationally, copy included
  direct-all    the same query without ``--as-of`` on the store (no summaries), for comparison

Not part of the test suite. Results go to docs/performance-results/as-of.json.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from bench.report import write_results
from bpss_kg.generate import generate
from bpss_kg.loading import load_files, load_sources, ontology_sources
from bpss_kg.queries import library_query, run_library_query
from bpss_kg.store import OxigraphStore
from bpss_kg.validity import view_as_of

RESULTS = Path(__file__).resolve().parent.parent / "docs" / "performance-results"
DAY = date(2023, 6, 30)


def _median(runs: int, task) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        task()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counties", type=int, default=300)
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=RESULTS / "as-of.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bpss-bench-as-of-") as tmp:
        data = args.data
        if data is None:
            data = Path(tmp) / "national.nq"
            generate(counties=args.counties, seed=1, out=data)
        store = OxigraphStore(Path(tmp) / "store")
        load_sources(store, ontology_sources())
        load_files(store, [data])
        county = sorted(g.value.rsplit("/", 1)[1] for g in store.named_graphs()
                        if "/graph/county/" in g.value)[0]
        query = library_query("standards-per-kind")
        result = {
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                       f"{platform.python_version()}",
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "dataset": str(args.data or f"generate --counties {args.counties} --seed 1"),
            "quads": len(store), "as_of": DAY.isoformat(), "runs": args.runs,
            "copy_county_s": _median(args.runs, lambda: view_as_of(store, DAY, county=county)),
            "copy_all_s": _median(args.runs, lambda: view_as_of(store, DAY)),
            "query_county_s": _median(args.runs, lambda: list(run_library_query(
                store, query, {"county": county}, as_of=DAY))),
            "query_all_s": _median(args.runs, lambda: list(run_library_query(
                store, query, {}, as_of=DAY))),
            "direct_all_s": _median(args.runs, lambda: list(store.query(query.text))),
        }
        store.close()
    write_results(args.out, result)


if __name__ == "__main__":
    main()
