"""Validation at national scale: full and incremental runs of the compiled SPARQL engine, and
pySHACL on the same shapes and data for comparison.

    python -m bench.validation --sizes 100 1000 2850 --runs 3 --pyshacl-counties 10

For each N it generates the synthetic dataset (``bpss-kg generate --counties N --seed 1``),
loads it into an on-disk store, and reports medians of ``--runs`` runs:
  full      every county and the national layer, compiled engine, 2 worker processes;
  changed   one county edited, then ``--changed`` (only that county is re-validated);
  pyshacl   pySHACL county by county on ``--pyshacl-counties`` counties, per-county time and
            the time extrapolated to N (a whole-graph pySHACL run is far slower still).
Findings of the compiled engine are checked against the generator's manifest, and against
pySHACL for the counties pySHACL ran on.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from bpss_kg.generate import generate
from bpss_kg.loading import load_files
from bpss_kg.store import OxigraphStore
from bpss_kg.validation import validate
from bpss_kg.validation.runner import _rdflib_graph, run_pyshacl, units_of
from bpss_kg.validation.shapes import load_shapes

AS_OF = date(2026, 6, 30)


def measure(size: int, runs: int, pyshacl_counties: int, workdir: Path) -> dict[str, object]:
    data = workdir / f"national-{size}.nq"
    manifest = generate(counties=size, seed=1, out=data)
    store = OxigraphStore(workdir / f"store-{size}")
    load_files(store, [data])
    full, changed = [], []
    run = None
    for _ in range(runs):
        started = time.perf_counter()
        run = validate(store, as_of=AS_OF)
        full.append(time.perf_counter() - started)
    assert run is not None
    found = {(run.shapes.info(f.shape).fault, f.unit, f.focus.strip("<>")) for f in run.findings}
    injected = {(f.fault, f.county, f.focus) for f in manifest.faults}
    county = manifest.county_codes[0]
    graph = f"https://w3id.org/bpss-kg/graph/county/{county}"
    for index in range(runs):
        store.update(f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:bench:edit> "
                     f"<http://www.w3.org/2000/01/rdf-schema#comment> \"edit {index}\" }} }}")
        started = time.perf_counter()
        again = validate(store, as_of=AS_OF, changed=True)
        changed.append(time.perf_counter() - started)
        assert len(again.skipped_unchanged) == len(again.units) - 1
    result: dict[str, object] = {
        "counties": size, "quads": manifest.quads,
        "full_median_s": round(statistics.median(full), 2),
        "changed_median_s": round(statistics.median(changed), 2),
        "findings": len(run.findings), "injected": len(injected),
        "findings_equal_manifest": found == injected,
    }
    if pyshacl_counties:
        shapes = load_shapes()
        units = [u for u in units_of(store) if u.name != "national"][:pyshacl_counties]
        base = _rdflib_graph(store, ["https://w3id.org/bpss-kg/graph/national",
                                     "https://w3id.org/bpss-kg/graph/ontology",
                                     "https://w3id.org/bpss-kg/graph/validation/context"])
        started = time.perf_counter()
        same = True
        for unit in units:
            reference = run_pyshacl(store, shapes, unit, base)
            fast = [f for f in run.findings if f.unit == unit.name]
            same &= [f.key() for f in reference] == [f.key() for f in fast]
        per_county = (time.perf_counter() - started) / len(units)
        result |= {"pyshacl_per_county_s": round(per_county, 2),
                   "pyshacl_extrapolated_s": round(per_county * size),
                   "pyshacl_counties_compared": len(units),
                   "pyshacl_findings_equal": same}
    store.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 2850])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pyshacl-counties", type=int, default=10)
    parser.add_argument("--out", type=Path, default=None, help="write the results as JSON")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="bpss-bench-") as folder:
        for size in args.sizes:
            results.append(measure(size, args.runs, args.pyshacl_counties, Path(folder)))
            print(json.dumps(results[-1]), flush=True)
    summary = {"machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, "
                          f"{__import__('os').cpu_count()} cores, Python "
                          f"{platform.python_version()}", "results": results}
    if args.out:
        args.out.write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
