"""The alternative to the in-process engine: Debian's Virtuoso through the remote-store path.

    python -m bench.engine_virtuoso DATA.nq [--runs 5] [--buffers 170000]

Starts Virtuoso as the test suite does (``tests/virtuoso.py``: a temporary directory, ports on
127.0.0.1) with more buffers, bulk-loads the N-Quads file (``ld_dir`` + ``rdf_loader_run``,
timed), then times every ``bench/adhoc_queries/*.rq`` over HTTP (SPARQL JSON, no ``FROM``:
Virtuoso's default graph is the union of all its graphs); medians of ``--runs`` runs and row
counts, one JSON line per query. Virtuoso is stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

from tests.virtuoso import ISQL, Virtuoso, free_port, missing

ADHOC = Path(__file__).resolve().parent / "adhoc_queries"


def _isql(server: Virtuoso, statements: str, timeout: float) -> str:
    done = subprocess.run([ISQL, f"127.0.0.1:{server.sql_port}", "dba", "dba"],
                          input=statements + "\n", capture_output=True, text=True,
                          timeout=timeout, check=True)
    return done.stdout


def _query(server: Virtuoso, text: str) -> object:
    url = server.sparql + "?" + urllib.parse.urlencode({"query": text})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=300) as response:
        body = response.read()
    try:
        parsed = json.loads(body)
    except ValueError:  # CONSTRUCT comes back as a graph
        return sum(1 for line in body.decode().splitlines() if line.strip().endswith("."))
    if "boolean" in parsed:
        return parsed["boolean"]
    return len(parsed["results"]["bindings"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--buffers", type=int, default=170_000)  # 8 KiB pages: about 1.3 GiB
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bpss-bench-virtuoso"))
    args = parser.parse_args(argv)
    reason = missing()
    if reason:
        raise SystemExit(reason)
    shutil.rmtree(args.workdir, ignore_errors=True)
    args.workdir.mkdir(parents=True)
    server = Virtuoso(args.workdir, free_port(), free_port())
    original = server.write_ini

    def write_ini() -> Path:
        path = original()
        text = path.read_text().replace(
            "NumberOfBuffers = 10000", f"NumberOfBuffers = {args.buffers}").replace(
            "MaxDirtyBuffers = 6000", f"MaxDirtyBuffers = {args.buffers * 3 // 4}")
        path.write_text(text)
        return path

    server.write_ini = write_ini  # type: ignore[method-assign]
    server.start()
    try:
        db = args.workdir
        shutil.copy(args.data, db / "bench.nq")
        started = time.perf_counter()
        _isql(server, f"ld_dir('{db}', 'bench.nq', 'urn:bench:default');\n"
                      "rdf_loader_run();\ncheckpoint;", timeout=3600)
        load = time.perf_counter() - started
        print(json.dumps({"stage": "load", "virtuoso_bulk_load_s": round(load, 1)}), flush=True)
        for path in sorted(ADHOC.glob("*.rq")):
            text = path.read_text(encoding="utf-8")
            times, rows = [], None
            for _ in range(args.runs):
                begin = time.perf_counter()
                try:
                    rows = _query(server, text)
                except OSError as error:
                    rows = f"error: {error}"
                times.append(time.perf_counter() - begin)
            print(json.dumps({"query": path.stem, "virtuoso_s": round(statistics.median(times), 4),
                              "virtuoso_rows": rows}), flush=True)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
