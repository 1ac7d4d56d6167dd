"""The analytical engine side by side with raw Oxigraph and rdflib (issue 23).

    python -m bench.engine --sizes 100 1000 2846 [--runs 5] [--rdflib-up-to 100]
                           [--workdir /tmp/bpss-bench] [--out bench/engine-results.json]

For each N (synthetic counties, seed 1): load-to-ready on both paths — raw pyoxigraph
``bulk_load`` of the N-Quads file, and bpss-kg (the store's load, then the engine's mirror
built from the checkpoint until ``/sparql`` reads are answered by it); then every query of
``bench/adhoc_queries/`` and of the library (parameters unbound, and with the required ones /
a county bound, written as a trailing VALUES clause so that a plain endpoint can take them) on

- ``bpss-kg``: ``QueryService.execute`` with the engine on, answer cache off (the router
  decides; the engine that answered is reported),
- ``oxigraph``: the same text on the raw pyoxigraph store, union default graph,
- ``rdflib``: the same text on an in-memory rdflib ``Dataset`` (union default graph), only up
  to ``--rdflib-up-to`` counties (it takes minutes to parse more).

Medians of ``--runs`` runs (one run when a run takes longer than 20 s); row counts per engine;
the resident memory of the engine process and of the service's process at the largest N.
Results as JSON lines on stdout and in ``--out``.
"""

from __future__ import annotations

import argparse
import json
import signal
import statistics
import time
from pathlib import Path

import pyoxigraph as ox

from bench.run import _inline, dataset, machine, query_values
from bpss_kg.loading import load_files
from bpss_kg.queries import library
from bpss_kg.store import OxigraphStore
from bpss_kg.store.query_service import QueryService

ADHOC = Path(__file__).resolve().parent / "adhoc_queries"
SINGLE_ABOVE = 20.0
RDFLIB_TIMEOUT = 120


class _TimedOut(Exception):
    pass


def _alarm(_signum: int, _frame: object) -> None:
    raise _TimedOut


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _times(run, runs: int) -> tuple[float, object]:
    times, rows = [], None
    for _ in range(runs):
        started = time.perf_counter()
        rows = run()
        times.append(time.perf_counter() - started)
        if times[-1] > SINGLE_ABOVE:
            break
    return round(statistics.median(times), 4), rows


def _oxigraph_rows(store: ox.Store, text: str) -> object:
    result = store.query(text, use_default_graph_as_union=True)
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    return sum(1 for _ in result)


def _rdflib_rows(dataset: object, text: str) -> object:
    result = dataset.query(text)  # type: ignore[attr-defined]
    return bool(result.askAnswer) if result.type == "ASK" else len(result)


def queries(manifest: dict[str, object]) -> dict[str, str]:
    """Name → text: the ad-hoc set, the library unbound, and the library with values bound."""
    texts = {f"adhoc/{p.stem}": p.read_text(encoding="utf-8") for p in sorted(ADHOC.glob("*.rq"))}
    values = query_values(manifest)
    county = manifest["county_codes"][0]  # type: ignore[index]
    for name, query in sorted(library().items()):
        required = any(p.required for p in query.parameters)
        if not required:
            texts[f"library/{name}"] = query.text
        given = values.get(name) or ({"county": county} if any(
            p.name == "county" for p in query.parameters) else None)
        if given:
            bound = {k: ox.NamedNode(f"https://w3id.org/bpss-kg/id/place/{v}")
                     for k, v in given.items()}
            texts[f"library-bound/{name}"] = _inline(query.text,
                                                     {k: str(v) for k, v in bound.items()})
    return texts


def run_size(size: int, workdir: Path, runs: int, rdflib_up_to: int) -> list[dict[str, object]]:
    data, manifest = dataset(workdir, size)
    raw_dir, bpss_dir = workdir / f"raw-{size}", workdir / f"bpss-{size}"
    out: list[dict[str, object]] = []
    started = time.perf_counter()
    raw_fresh = not raw_dir.exists()
    if raw_fresh:
        raw = ox.Store(str(raw_dir))
        raw.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
        raw.flush()
        del raw
    raw_load = time.perf_counter() - started
    started = time.perf_counter()
    fresh = not bpss_dir.exists()
    store = OxigraphStore(bpss_dir)
    if fresh:
        load_files(store, [data])
    loaded = time.perf_counter() - started
    service = QueryService(store, workers=1, cache_bytes=0, engine="maplib")
    assert service.engine is not None, "maplib is not installed"
    while service.engine.mirrored != str(service._snapshot):
        if service.engine.unavailable:
            raise RuntimeError(service.engine.unavailable)
        time.sleep(0.05)
    ready = time.perf_counter() - started
    out.append({"size": size, "stage": "load", "quads": len(store),
                "raw_bulk_load_s": round(raw_load, 1) if raw_fresh else None,
                "bpss_load_s": round(loaded, 1) if fresh else None,
                "bpss_load_to_ready_s": round(ready, 1) if fresh else None,
                "mirror_build_s": round(ready - loaded, 1),
                "engine_rss_mb": round(_rss_mb(service.engine._process.pid)),
                "service_rss_mb": round(_rss_mb(__import__("os").getpid()))})
    print(json.dumps(out[-1]), flush=True)
    reference = ox.Store.read_only(str(raw_dir))
    rdf = None
    if size <= rdflib_up_to:
        from rdflib import Dataset

        rdf = Dataset(default_union=True)
        rdf.parse(str(data), format="nquads")
    for name, text in queries(manifest).items():
        row: dict[str, object] = {"size": size, "query": name}
        answers = []

        def engine_run(text: str = text, answers: list = answers) -> object:
            answer = service.execute(service.request(text, graph_format="ntriples",
                                                     limit=10_000_000))
            answers.append(answer)
            return answer.rows

        try:
            row["bpss_s"], row["bpss_rows"] = _times(engine_run, runs)
            row["engine"] = answers[-1].engine
            if answers[-1].engine_reason:
                row["reason"] = answers[-1].engine_reason
        except Exception as error:  # reported, not fatal: the row says so
            row["bpss_error"] = str(error)[:200]
        row["oxigraph_s"], row["oxigraph_rows"] = _times(
            lambda text=text: _oxigraph_rows(reference, text), runs)
        if rdf is not None:
            signal.signal(signal.SIGALRM, _alarm)
            signal.alarm(RDFLIB_TIMEOUT)
            try:
                row["rdflib_s"], row["rdflib_rows"] = _times(
                    lambda text=text: _rdflib_rows(rdf, text), min(runs, 3))
            except _TimedOut:
                row["rdflib_s"] = f">{RDFLIB_TIMEOUT}"
            finally:
                signal.alarm(0)
        out.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    service.close()
    store.close()
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 2846])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rdflib-up-to", type=int, default=100)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bpss-bench-engine"))
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    results: list[dict[str, object]] = [{"machine": machine()}]
    print(json.dumps(results[0]), flush=True)
    for size in args.sizes:
        results += run_size(size, args.workdir, args.runs, args.rdflib_up_to)
    if args.out is not None:
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n",
                            encoding="utf-8")


if __name__ == "__main__":
    main()
