"""One engine answering every library query, in a process of its own (called by bench.run).

    python -m bench.engines ENGINE DATA --values JSON [--runs 3] [--timeout 60]

ENGINE is ``bpss-kg`` (the library's ``run_library_query`` on a bpss-kg store directory: the
path users and the server take, summaries included), ``pyoxigraph`` (the same query text on a
plain pyoxigraph store directory, union default graph, parameters substituted) or ``rdflib``
(the same text on an in-memory rdflib ``Dataset`` with a union default graph, parameters as
``initBindings``; DATA is then the N-Quads file, parsed first). Prints one JSON line per query:
its times, row count and a digest of the sorted rows (values in canonical form) to compare
engines.
A query that runs past ``--timeout`` is stopped (SIGALRM) and reported as such; when one run
takes longer than ``--single-above`` seconds it is not repeated.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import signal
import sys
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path

from bpss_kg.queries import library


class _TimedOut(Exception):
    pass


def _alarm(_signum: int, _frame: object) -> None:
    raise _TimedOut


def _canonical(cell: str) -> str:
    """A cell in a form both engines agree on: rdflib keeps a decimal's lexical form as written
    ("88.0") where Oxigraph writes the canonical one ("88"), and GROUP_CONCAT has no defined
    order (a space-separated list of IRIs and a comma-separated list of codes are sorted)."""
    try:
        number = Decimal(cell)
    except InvalidOperation:
        tokens = cell.split(" ")
        if len(tokens) > 1 and all(t.startswith(("http://", "https://")) for t in tokens):
            return " ".join(sorted(tokens))
        codes = cell.split(",")
        if len(codes) > 1 and all(code.isdigit() for code in codes):
            return ",".join(sorted(codes))
        return cell
    return format(number.normalize(), "f") if number.is_finite() else cell


def _digest(rows: list[tuple[str, ...]]) -> str:
    canonical = sorted(tuple(_canonical(cell) for cell in row) for row in rows)
    return hashlib.sha256(json.dumps(canonical).encode()).hexdigest()[:16]


# Rows are read by position (a solution iterates its values in variable order): reading cells
# by name costs pyoxigraph several times more, harness time that belongs to no engine.
def _ox_rows(result: object) -> list[tuple[str, ...]]:
    return [tuple("" if term is None else term.value for term in s)
            for s in result]  # type: ignore[attr-defined]


def _rdflib_rows(result: object) -> list[tuple[str, ...]]:
    return [tuple("" if term is None else str(term) for term in row)
            for row in result]  # type: ignore[attr-defined]


def runner(engine: str, data: Path):  # type: ignore[no-untyped-def]
    """A function (query, values) -> rows for the engine."""
    if engine == "bpss-kg":
        from bpss_kg.queries import run_library_query
        from bpss_kg.store import OxigraphStore

        store = OxigraphStore(data)
        return lambda query, values: _ox_rows(run_library_query(store, query, values))
    if engine == "pyoxigraph":
        import pyoxigraph as ox

        db = ox.Store(str(data))

        def run_raw(query, values):  # type: ignore[no-untyped-def]
            substitutions = {ox.Variable(k): v for k, v in query.bind(values).items()}
            return _ox_rows(db.query(query.text, use_default_graph_as_union=True,
                                     substitutions=substitutions or None))
        return run_raw
    if engine == "rdflib":
        from rdflib import Dataset
        from rdflib.util import from_n3

        dataset = Dataset(default_union=True)
        dataset.parse(str(data), format="nquads")

        def run_rdflib(query, values):  # type: ignore[no-untyped-def]
            bindings = {k: from_n3(str(v)) for k, v in query.bind(values).items()}
            return _rdflib_rows(dataset.query(query.text, initBindings=bindings))
        return run_rdflib
    raise SystemExit(f"unknown engine {engine!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("engine")
    parser.add_argument("data", type=Path)
    parser.add_argument("--values", default="{}", help="JSON: query name -> parameter values")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--single-above", type=float, default=10.0)
    parser.add_argument("--only", nargs="*", default=None)
    args = parser.parse_args()
    values = json.loads(args.values)
    started = time.perf_counter()
    run = runner(args.engine, args.data)
    print(json.dumps({"ready_s": round(time.perf_counter() - started, 2)}), flush=True)
    signal.signal(signal.SIGALRM, _alarm)
    for name, query in library().items():
        if args.only and name not in args.only:
            continue
        times: list[float] = []
        rows: list[tuple[str, ...]] = []
        timed_out = False
        for _ in range(args.runs):
            signal.setitimer(signal.ITIMER_REAL, args.timeout)
            begin = time.perf_counter()
            try:
                rows = run(query, values.get(name, {}))
            except _TimedOut:
                timed_out = True
                break
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            times.append(time.perf_counter() - begin)
            if times[-1] > args.single_above:
                break
        print(json.dumps({"query": name, "times": [round(t, 4) for t in times],
                          "timed_out": timed_out, "timeout": args.timeout,
                          "rows": None if timed_out else len(rows),
                          "digest": None if timed_out else _digest(rows)}), flush=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
