"""Load test: concurrent clients against a real `bpss-kg serve` on 127.0.0.1.

    python -m bench.load --counties 2846 --clients 50 --seconds 60

Generates the synthetic dataset (seed 1), loads it into a fresh store, starts the server, then
runs ``--clients`` threads for ``--seconds`` seconds, each looping over a mix of library queries
(/api/queries), resource and dashboard pages and SPARQL (/sparql). Meanwhile one client sends a
pathological cross-product query that the time limit must stop. Reports requests, errors,
throughput and p50/p95/p99 latency per kind. Only 127.0.0.1 is contacted; every loop is bounded
by the deadline.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def _get(url: str, timeout: float = 60.0) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError:
        status = 0
    return status, time.perf_counter() - started


def _requests(base: str, codes: list[str]) -> list[tuple[str, str]]:
    a, b = codes[0], codes[1]
    sparql = urllib.parse.urlencode({"query": "SELECT ?s WHERE { ?s a "
                                     "<https://w3id.org/bpss-kg/def#Standard> } LIMIT 20"})
    return [
        ("library", f"{base}/api/queries/coverage-by-county?county={a}"),
        ("library", f"{base}/api/queries/county-indicators?county={b}"),
        ("library", f"{base}/api/queries/compare-counties?county1={a}&county2={b}"),
        ("library", f"{base}/api/queries/standards-for-item?county={a}"),
        ("page", f"{base}/county/{a}"),
        ("page", f"{base}/resource?iri=https://w3id.org/bpss-kg/id/place/{b}"),
        ("page", f"{base}/search?q=%E5%8C%BA"),
        ("sparql", f"{base}/sparql?{sparql}"),
    ]


def run(base: str, codes: list[str], clients: int, seconds: float) -> dict[str, object]:
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    samples: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    heavy: list[tuple[int, float]] = []
    plan = _requests(base, codes)

    def client(seed: int) -> None:
        rng = random.Random(seed)
        while time.monotonic() < deadline:
            kind, url = rng.choice(plan)
            status, elapsed = _get(url)
            with lock:
                samples.setdefault(kind, []).append(elapsed)
                if status != 200:
                    errors[kind] = errors.get(kind, 0) + 1

    def pathological() -> None:
        while time.monotonic() < deadline:
            heavy.append(_get(f"{base}/sparql?" + urllib.parse.urlencode({"query": HEAVY})))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    threads.append(threading.Thread(target=pathological))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    def stats(values: list[float]) -> dict[str, float]:
        ordered = sorted(values)
        pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
        return {"requests": len(values), "p50_ms": round(pick(0.5) * 1000),
                "p95_ms": round(pick(0.95) * 1000), "p99_ms": round(pick(0.99) * 1000),
                "mean_ms": round(statistics.mean(values) * 1000)}

    total = sum(len(v) for v in samples.values())
    return {"clients": clients, "seconds": seconds, "requests": total,
            "throughput_rps": round(total / seconds, 1), "errors": errors,
            "per_kind": {k: stats(v) for k, v in sorted(samples.items())},
            "pathological": {"sent": len(heavy),
                             "statuses": sorted({s for s, _ in heavy}),
                             "max_s": round(max((t for _, t in heavy), default=0), 1)}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--counties", type=int, default=2846)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--port", type=int, default=8931)
    parser.add_argument("--timeout", type=float, default=10, help="query time limit (s)")
    args = parser.parse_args()
    cli = [sys.executable, "-m", "bpss_kg.cli"]
    with tempfile.TemporaryDirectory(prefix="bpss-load-") as folder:
        data, store = Path(folder) / "national.nq", Path(folder) / "store"
        subprocess.run([*cli, "generate", "--counties", str(args.counties), "--seed", "1",
                              "--out", str(data)], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([*cli, "load", str(data), "--store", str(store)], check=True,
                       stdout=subprocess.DEVNULL)
        manifest = json.loads(Path(str(data) + ".manifest.json").read_text())
        env = os.environ | {"BPSS_KG_QUERY_TIMEOUT": str(args.timeout)}
        server = subprocess.Popen([*cli, "serve", "--store", str(store), "--port",
                                         str(args.port)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{args.port}"
        try:
            for _ in range(120):
                if _get(base + "/sparql?query=ASK%7B%3Fs%3Fp%3Fo%7D", 5)[0] == 200:
                    break
                time.sleep(1)
            _get(base + "/search?q=%E5%8C%BA", 300)  # build the search index first
            result = run(base, manifest["county_codes"][:2], args.clients, args.seconds)
            result["quads"] = manifest["quads"]
            result["counties"] = args.counties
            print(json.dumps(result, ensure_ascii=False, indent=1))
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
