"""Writes through the deployed service at national scale: how long until readers see them.

    python -m bench.writes [--counties 2846] [--runs 5] [--store DIR] [--out FILE]

Builds (or reuses, with ``--store``) a store of the synthetic national dataset (``bpss-kg
generate --counties N --seed 1`` then ``bpss-kg load``), starts ``bpss-kg serve`` on it as
deployed (gunicorn, store on disk) and measures, ``--runs`` times each, medians reported:

  import     one county's 标准明细表 (a CSV table whose title changes every run) sent to
             ``POST /api/import/commit`` with a county token: the time until the response,
             and the time from sending it until a separate reader first sees the new title
             through ``/sparql``, through search (``/search``) and through the library
             (``/api/queries/county-system-overview``). Target: a reader sees it ≤ 2 s.
  bursts     16 and 64 concurrent ``POST /update`` (two triples each): all answered, time
             until the last answer, per-write latency p50 / max.

Only 127.0.0.1 is contacted. Not part of the test suite; run it on a quiet machine (the load
average at the start is recorded).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
COUNTY = "330424"
GRAPH = f"https://w3id.org/bpss-kg/graph/county/{COUNTY}"
HEADER = ("序号,标准体系编号,标准名称,标准编号,实施日期,子体系,标准类别,"
          "实施的国家基本公共服务项目,状态,发布机构")
ROW = ("{n},B-{n},{title},DB33/T 99{n:02d}-2023,2023年6月1日,服务实施,服务保障,7,现行,"
       "浙江省市场监督管理局")


def table(title: str, rows: int) -> str:
    """A detail table of ``rows`` standards, the first titled ``title``."""
    return "\n".join([HEADER, *(ROW.format(n=n, title=title if n == 1 else f"{title}（{n}）")
                                 for n in range(1, rows + 1))]) + "\n"


def _request(method: str, url: str, data: bytes | None = None,
             headers: dict[str, str] | None = None, timeout: float = 60) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def build_store(counties: int, folder: Path) -> Path:
    data = folder / f"national-{counties}.nq"
    store = folder / "store"
    subprocess.run([PY, "-m", "bpss_kg.cli", "generate", "--counties", str(counties), "--seed",
                    "1", "--out", str(data)], check=True)
    started = time.perf_counter()
    subprocess.run([PY, "-m", "bpss_kg.cli", "load", str(data), "--store", str(store)],
                   check=True)
    print(f"loaded N = {counties} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return store


def serve(store: Path, port: int, admin: str, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "BPSS_KG_UPDATE_TOKEN": admin}
    process = subprocess.Popen([PY, "-m", "bpss_kg.cli", "serve", "--store", str(store),
                                "--port", str(port)], stdout=log.open("ab"),
                               stderr=subprocess.STDOUT, env=env, start_new_session=True)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/queries", timeout=5):
                return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError(f"bpss-kg serve did not come up; see {log}")


def _sees(base: str, title: str, rows: int, what: str) -> bool:
    """Whether one reader sees the imported title: through /sparql, search or the library."""
    try:
        if what == "sparql":
            ask = f'ASK {{ ?s <http://purl.org/dc/terms/title> "{title}"@zh }}'
            status, body = _request("POST", f"{base}/sparql", ask.encode(),
                                    {"Content-Type": "application/sparql-query",
                                     "Accept": "application/sparql-results+json"})
            return status == 200 and json.loads(body)["boolean"]
        if what == "search":
            status, body = _request("GET", f"{base}/search?q={urllib.parse.quote(title)}")
            # a hit's link text (the page also echoes the query itself)
            return status == 200 and f">{title}</a>" in body.decode("utf-8", "replace")
        status, body = _request(
            "GET", f"{base}/api/queries/county-system-overview?county={COUNTY}")
        found = json.loads(body)["results"]["bindings"] if status == 200 else []
        return sum(int(r["standards"]["value"]) for r in found) == rows
    except OSError:  # a reader's request timed out: not seen yet
        return False


def import_once(base: str, token: str, run: int) -> dict[str, float]:
    """One import; three readers (SPARQL, search, library) poll from the moment it is sent."""
    from bpss_kg.service_client import encode_multipart

    title = f"基准测试标准{run}-{uuid.uuid4().hex[:6]}"
    rows = 4 if _sees(base, title, 3, "library") else 3  # the library's count must change
    body, content_type = encode_multipart({"county": COUNTY}, {
        "file": ("table.csv", table(title, rows).encode())})
    seen_at: dict[str, float] = {}
    started = time.perf_counter()

    def reader(what: str) -> None:
        deadline = started + 300
        while time.perf_counter() < deadline:
            if _sees(base, title, rows, what):
                seen_at[what] = time.perf_counter() - started
                return
            time.sleep(0.01)

    readers = [threading.Thread(target=reader, args=(w,), daemon=True)
               for w in ("sparql", "search", "library")]
    for thread in readers:
        thread.start()
    status, answer = _request("POST", f"{base}/api/import/commit", body,
                              {"Content-Type": content_type, "Authorization": f"Bearer {token}"})
    answered = time.perf_counter() - started
    if status != 200:
        raise RuntimeError(f"import failed: {status} {answer[:300]!r}")
    for thread in readers:
        thread.join(300)
    return {"answered": answered, **{f"seen_{k}": v for k, v in seen_at.items()}}


def _settle(base: str) -> None:
    """Wait until the server has brought its derived files up to date (a search answers)."""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            if _request("GET", f"{base}/search?q=%E6%B5%B7%E7%9B%90%E5%8E%BF")[0] != 503:
                return
        except OSError:
            pass
        time.sleep(1)


def burst(base: str, admin: str, writers: int) -> dict[str, float]:
    run = uuid.uuid4().hex[:8]

    def write(i: int) -> tuple[int, float]:
        text = (f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <urn:b:{run}:{i}> <urn:p:a> "{i}" . '
                f'<urn:b:{run}:{i}> <urn:p:b> "{i}" . }} }}')
        started = time.perf_counter()
        status, _ = _request("POST", f"{base}/update", text.encode(),
                             {"Content-Type": "application/sparql-update",
                              "Authorization": f"Bearer {admin}"}, timeout=600)
        return status, time.perf_counter() - started

    started = time.perf_counter()
    with ThreadPoolExecutor(writers) as pool:
        results = list(pool.map(write, range(writers)))
    total = time.perf_counter() - started
    latencies = sorted(t for _, t in results)
    return {"writers": writers, "answered": sum(s == 204 for s, _ in results),
            "total": total, "p50": statistics.median(latencies), "max": latencies[-1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--counties", type=int, default=2846)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--store", type=Path, help="reuse a loaded store")
    parser.add_argument("--out", type=Path,
                        default=ROOT / "docs" / "performance-results" / "writes.json")
    args = parser.parse_args()
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bpss-bench-writes-") as tmp:
        folder = Path(tmp)
        store = args.store or build_store(args.counties, folder)
        # a settled store: summaries up to date, as after a load
        subprocess.run([PY, "-m", "bpss_kg.cli", "summarize", "--store", str(store)], check=True)
        from bpss_kg.access import AccessRegistry, Scope

        token = AccessRegistry(store).add(Scope.of("county", COUNTY), "benchmark")[1]
        admin = uuid.uuid4().hex
        port = 18000 + os.getpid() % 1000
        process = serve(store, port, admin, folder / "serve.log")
        base = f"http://127.0.0.1:{port}"
        _settle(base)
        try:
            imports = [import_once(base, token, run) for run in range(args.runs)]
            bursts = [burst(base, admin, n) for n in (16, 64)]
        finally:
            process.terminate()
            process.wait(60)
    medians = {key: statistics.median(run[key] for run in imports if key in run)
               for key in ("answered", "seen_sparql", "seen_search", "seen_library")}
    result = {"when": datetime.now(UTC).isoformat(timespec="seconds"),
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "platform": platform.platform(), "load_average_at_start": load},
              "counties": args.counties, "runs": args.runs, "imports": imports,
              "import_medians_s": medians, "bursts": bursts}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    print(json.dumps({"import_medians_s": medians, "bursts": bursts}, indent=1))


if __name__ == "__main__":
    main()
