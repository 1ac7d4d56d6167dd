"""The performance benchmark of bpss-kg at national scale, side by side with what users would run
instead (raw pyoxigraph, rdflib, pySHACL, ``oxigraph serve``).

    python -m bench [--sizes 100 1000 2850] [--runs 3] [--stages load,queries,validation,endpoint]

For each N it generates the synthetic national dataset (``bpss-kg generate --counties N
--seed 1``; N is capped at the 2,846 real counties) and measures, each in fresh processes:

  load        ``bpss-kg load`` (atomic) and ``bpss-kg summarize`` (the library queries'
              summaries) vs raw pyoxigraph ``bulk_load`` into an on-disk store vs rdflib
              ``Dataset.parse``: wall time and peak RSS;
  queries     every library query through bpss-kg vs the same text on raw pyoxigraph and on
              rdflib in memory: median time, rows, and whether the rows agree;
  validation  full run and one-county re-validation (library call and CLI) vs pySHACL county by
              county (a sample, extrapolated) and, at N = 100, one whole-graph pySHACL run;
              findings compared with the generator's manifest and with pySHACL;
  endpoint    ``bpss-kg serve`` (as deployed, and with its answer cache off) vs ``oxigraph
              serve`` on the same data, one server at a time: library queries with 1, 8 and 50
              concurrent clients (requests/s, p50/p95/p99, errors), resource pages of bpss-kg,
              and each server's peak memory (process tree, sampled every 0.5 s).

Results go to ``--out`` (default docs/performance-results): ``results.json`` (every raw figure),
``tables.md`` and ``chart.png``. Only 127.0.0.1 is contacted. Nothing here is part of the test
suite; run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "docs" / "performance-results"
DOC = ROOT / "docs" / "performance.md"
PY = sys.executable
BIN = Path(PY).parent
AS_OF = "2026-06-30"
MAX_COUNTIES = 2846


# -- processes ---------------------------------------------------------------------------------
def timed(cmd: list[str], timeout: float | None = None, env: dict[str, str] | None = None,
          ok: tuple[int, ...] = (0,)) -> tuple[float, float, str]:
    """Run a command; (wall seconds, peak RSS in MB of the process, stdout)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, env=env)
        deadline = None if timeout is None else started + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.perf_counter() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                raise TimeoutError(" ".join(cmd[:3]))
            time.sleep(0.05)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
        if process.returncode not in ok:
            error = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
            raise RuntimeError(f"{' '.join(cmd[:4])} failed ({process.returncode}): "
                               f"{error[-2000:]}")
        return wall, usage.ru_maxrss / 1024, text


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3) if values else float("nan")


def machine() -> dict[str, object]:
    import pyoxigraph
    import pyshacl
    import rdflib

    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor())
    memory = next((int(line.split()[1]) // 1024 for line in
                   Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_mb": memory,
            "os": platform.platform(), "python": platform.python_version(),
            "pyoxigraph": pyoxigraph.__version__, "rdflib": rdflib.__version__,
            "pyshacl": pyshacl.__version__, "load_average_at_start": os.getloadavg(),
            "date": datetime.now(UTC).isoformat(timespec="seconds")}


# -- data --------------------------------------------------------------------------------------
def dataset(workdir: Path, size: int) -> tuple[Path, dict[str, object]]:
    data = workdir / f"national-{size}.nq"
    manifest = data.with_suffix(".nq.manifest.json")
    if not (data.exists() and manifest.exists()):
        subprocess.run([str(BIN / "bpss-kg"), "generate", "--counties", str(size), "--seed", "1",
                        "--out", str(data)], check=True, stdout=subprocess.DEVNULL)
    return data, json.loads(manifest.read_text(encoding="utf-8"))


def query_values(manifest: dict[str, object], round_: int = 0) -> dict[str, dict[str, str]]:
    """Values for the required parameters: counties of the dataset, the first ones in round 0
    and others in later rounds (so that a load test asks about many counties)."""
    codes = manifest["county_codes"]
    assert isinstance(codes, list)
    first, second = codes[(2 * round_) % len(codes)], codes[(2 * round_ + 1) % len(codes)]
    return {"compare-counties": {"county1": first, "county2": second},
            "county-indicators": {"county": first},
            "county-system-overview": {"county": first}}


# -- stages ------------------------------------------------------------------------------------
RAW_LOAD = ("import sys, pyoxigraph as ox; s = ox.Store(sys.argv[1]); "
            "s.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_QUADS); s.flush(); "
            "print(len(s))")
RDFLIB_LOAD = ("import sys; from rdflib import Dataset; d = Dataset(); "
               "d.parse(sys.argv[1], format='nquads'); print(len(d))")


def stage_load(data: Path, stores: Path, runs: int, rdflib_runs: int) -> dict[str, object]:
    bpss, summarize, raw, rdf = [], [], [], []
    for _ in range(runs):
        target = stores / "bpss"
        shutil.rmtree(target, ignore_errors=True)
        bpss.append(timed([str(BIN / "bpss-kg"), "load", str(data), "--no-summaries",
                           "--store", str(target)])[:2])
        summarize.append(timed([str(BIN / "bpss-kg"), "summarize", "--store", str(target)])[:2])
        target = stores / "raw"
        shutil.rmtree(target, ignore_errors=True)
        raw.append(timed([PY, "-c", RAW_LOAD, str(target), str(data)])[:2])
    for _ in range(rdflib_runs):
        rdf.append(timed([PY, "-c", RDFLIB_LOAD, str(data)])[:2])

    def figures(pairs: list[tuple[float, float]]) -> dict[str, object]:
        return {"runs": len(pairs), "time_s": median([p[0] for p in pairs]),
                "peak_rss_mb": round(max(p[1] for p in pairs)) if pairs else None,
                "all_times_s": [round(p[0], 2) for p in pairs]}

    result = {"bpss_kg_load": figures(bpss), "bpss_kg_summarize": figures(summarize),
              "pyoxigraph_bulk_load": figures(raw), "rdflib_parse": figures(rdf)}
    load = result["bpss_kg_load"]["time_s"]  # type: ignore[index]
    result["ratio_time_vs_raw"] = round(load / result["pyoxigraph_bulk_load"]["time_s"], 2)  # type: ignore[index]
    if rdf:
        result["ratio_memory_vs_rdflib"] = round(
            result["bpss_kg_load"]["peak_rss_mb"] / result["rdflib_parse"]["peak_rss_mb"], 3)  # type: ignore[index]
    return result


def _engine(engine: str, target: Path, values: dict[str, object], runs: int, timeout: float,
            names: list[str]) -> dict[str, dict[str, object]]:
    """Per query in a child of its own (a Rust-side query cannot be interrupted otherwise)."""
    out: dict[str, dict[str, object]] = {}
    for name in names:
        cmd = [PY, "-m", "bench.engines", engine, str(target), "--values", json.dumps(values),
               "--runs", str(runs), "--timeout", str(timeout), "--only", name]
        try:
            _wall, _rss, text = timed(cmd, timeout=timeout * 1.5 + 30)
            lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
            out[name] = next(line for line in lines if line.get("query") == name)
        except TimeoutError:
            out[name] = {"query": name, "times": [], "timed_out": True, "timeout": timeout,
                         "rows": None, "digest": None}
    return out


def stage_queries(data: Path, stores: Path, values: dict[str, object], runs: int,
                  timeout: float, rdflib_timeout: float, with_rdflib: bool) -> dict[str, object]:
    sys.path.insert(0, str(ROOT / "src"))
    from bpss_kg.queries import library

    names = list(library())
    # Summaries up to date (a no-op after `load`; needed when the query library changed since).
    subprocess.run([str(BIN / "bpss-kg"), "summarize", "--store", str(stores / "bpss")],
                   check=True, stdout=subprocess.DEVNULL)
    engines = {"bpss-kg": _engine("bpss-kg", stores / "bpss", values, runs, timeout, names),
               "pyoxigraph": _engine("pyoxigraph", stores / "raw", values, runs, timeout,
                                     names)}
    if with_rdflib:
        cmd = [PY, "-m", "bench.engines", "rdflib", str(data), "--values", json.dumps(values),
               "--runs", str(runs), "--timeout", str(rdflib_timeout)]
        _wall, rss, text = timed(cmd)
        lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
        engines["rdflib"] = {line["query"]: line for line in lines if "query" in line}
        engines["rdflib"]["_process"] = {"peak_rss_mb": round(rss),
                                         "ready_s": lines[0].get("ready_s")}
    table = {}
    for name in names:
        row: dict[str, object] = {}
        for engine, results in engines.items():
            found = results.get(name, {})
            row[engine] = {"median_s": median(found.get("times", [])) if not found.get(
                "timed_out") else None, "runs": len(found.get("times", [])),
                "timed_out": found.get("timed_out"), "timeout": found.get("timeout"),
                "rows": found.get("rows"), "digest": found.get("digest")}
        ours = row["bpss-kg"]["digest"]  # type: ignore[index]
        for engine in ("pyoxigraph", "rdflib"):  # speed-ups: bench.report, from the medians
            other = row.get(engine)
            if other and other["digest"] is not None:  # type: ignore[index]
                row[f"same_rows_as_{engine}"] = other["digest"] == ours  # type: ignore[index]
        table[name] = row
    return {"queries": table}


VALIDATE_INCREMENTAL = """
import json, sys, time
from datetime import date
from pathlib import Path
from bpss_kg.store import OxigraphStore
from bpss_kg.validation import validate
if __name__ == "__main__":
    store = OxigraphStore(Path(sys.argv[1]))
    graph = f"https://w3id.org/bpss-kg/graph/county/{sys.argv[2]}"
    times = []
    for index in range(int(sys.argv[3])):
        store.update(f'INSERT DATA {{ GRAPH <{graph}> {{ <urn:bench:edit> '
                     f'<http://www.w3.org/2000/01/rdf-schema#comment> "edit {index}" }} }}')
        started = time.perf_counter()
        run = validate(store, as_of=date.fromisoformat(sys.argv[4]), changed=True)
        times.append(time.perf_counter() - started)
        assert len(run.units) - len(run.skipped_unchanged) == 1
    print(json.dumps({"times": times, "findings": len(run.findings)}))
"""

EDIT = """
import sys
from pathlib import Path
from bpss_kg.store import OxigraphStore
store = OxigraphStore(Path(sys.argv[1]))
store.update(f'INSERT DATA {{ GRAPH <https://w3id.org/bpss-kg/graph/county/{sys.argv[2]}> '
             f'{{ <urn:bench:cli> <http://www.w3.org/2000/01/rdf-schema#comment> "cli" }} }}')
store.close()
"""

PYSHACL_COUNTIES = """
import json, sys, time
from pathlib import Path
from bpss_kg.store import OxigraphStore
from bpss_kg.validation.runner import _rdflib_graph, run_pyshacl, units_of, stored_findings
from bpss_kg.validation.runner import latest_run
from bpss_kg.validation.shapes import load_shapes
if __name__ == "__main__":
    store = OxigraphStore(Path(sys.argv[1]))
    previous = latest_run(store)
    ours = stored_findings(store, previous.graph)
    shapes = load_shapes()
    units = [u for u in units_of(store) if u.name != "national"][:int(sys.argv[2])]
    base = _rdflib_graph(store, ["https://w3id.org/bpss-kg/graph/national",
                                 "https://w3id.org/bpss-kg/graph/ontology",
                                 "https://w3id.org/bpss-kg/graph/validation/context"])
    times, same = [], True
    for unit in units:
        started = time.perf_counter()
        reference = run_pyshacl(store, shapes, unit, base)
        times.append(time.perf_counter() - started)
        fast = sorted(f.key() for f in ours if f.unit == unit.name)
        same &= sorted(f.key() for f in reference) == fast
    print(json.dumps({"times": times, "counties": len(units), "same_findings": same}))
"""

PYSHACL_WHOLE = """
import json, sys, time
from pyshacl import validate
from rdflib import Dataset, Graph
from bpss_kg.validation.shapes import load_shapes
data = Dataset(default_union=True)
data.parse(sys.argv[1], format="nquads")
graph = Graph()
for s, p, o, _g in data.quads((None, None, None, None)):
    graph.add((s, p, o))
graph.add((__import__("rdflib").URIRef("https://w3id.org/bpss-kg/id/validation/context"),
           __import__("rdflib").URIRef("https://w3id.org/bpss-kg/def#asOfDate"),
           __import__("rdflib").Literal(sys.argv[2], datatype=__import__("rdflib").XSD.date)))
started = time.perf_counter()
conforms, report, _text = validate(graph, shacl_graph=load_shapes().graph, inference="none",
                                   advanced=True)
results = len(list(report.subjects(
    __import__("rdflib").RDF.type, __import__("rdflib").SH.ValidationResult)))
print(json.dumps({"time_s": time.perf_counter() - started, "results": results}))
"""


def stage_validation(stores: Path, manifest: dict[str, object], runs: int,
                     pyshacl_counties: int, whole_pyshacl: bool, data: Path,
                     whole_timeout: float) -> dict[str, object]:
    store = stores / "bpss"
    full, findings = [], None
    for _ in range(runs):
        wall, rss, text = _validate_cli(store)
        full.append((wall, rss))
        findings = json.loads(text)["findings"]
    assert findings is not None
    injected = {(f["fault"], f["county"], f["focus"]) for f in manifest["faults"]}  # type: ignore[union-attr]
    codes = manifest["county_codes"]
    assert isinstance(codes, list)
    _w, _r, text = timed([PY, "-c", VALIDATE_INCREMENTAL, str(store), codes[0], str(runs),
                          AS_OF])
    incremental = json.loads(text)
    cli_changed = []
    for _ in range(runs):
        timed([PY, "-c", EDIT, str(store), codes[0]])
        cli_changed.append(_validate_cli(store, changed=True)[0])
    result: dict[str, object] = {
        "full_cli_s": median([w for w, _ in full]), "full_peak_rss_mb": round(max(
            r for _, r in full)), "full_runs": len(full),
        "incremental_library_s": median(incremental["times"]),
        "incremental_cli_s": median(cli_changed),
        "findings": len(findings), "injected_faults": len(injected),
        "findings_match_manifest": len(findings) == len(injected) and all(
            any(f["focus"].strip("<>") == focus for f in findings) for _k, _c, focus in
            injected),
    }
    if pyshacl_counties:
        _w, _r, text = timed([PY, "-c", PYSHACL_COUNTIES, str(store), str(pyshacl_counties)])
        reference = json.loads(text)
        per_county = statistics.median(reference["times"])
        result |= {"pyshacl_per_county_s": round(per_county, 2),
                   "pyshacl_counties_measured": reference["counties"],
                   "pyshacl_extrapolated_s": round(per_county * len(codes)),
                   "pyshacl_extrapolated_2_processes_s": round(per_county * len(codes) / 2),
                   "pyshacl_same_findings": reference["same_findings"]}
    if whole_pyshacl:
        try:
            _w, rss, text = timed([PY, "-c", PYSHACL_WHOLE, str(data), AS_OF],
                                  timeout=whole_timeout)
            whole = json.loads(text)
            result |= {"pyshacl_whole_graph_s": round(whole["time_s"]),
                       "pyshacl_whole_graph_results": whole["results"],
                       "pyshacl_whole_graph_peak_rss_mb": round(rss)}
        except TimeoutError:
            result["pyshacl_whole_graph_s"] = f"> {whole_timeout:.0f} (stopped)"
    return result


def _validate_cli(store: Path, changed: bool = False) -> tuple[float, float, str]:
    """``bpss-kg validate`` (exit 1 = violations found, expected here); the peak RSS is that of
    the largest single process of its tree (the CLI or one of its workers)."""
    cmd = [str(BIN / "bpss-kg"), "validate", "--store", str(store), "--as-of", AS_OF,
           "--format", "json"] + (["--changed"] if changed else [])
    return timed(cmd, ok=(0, 1))


# -- endpoint ----------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(url: str, seconds: float = 180) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer")


def _tree_rss_mb(pid: int) -> float:
    import psutil

    try:
        process = psutil.Process(pid)
        return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)]
                   ) / 2**20
    except psutil.Error:
        return 0.0


def _load(urls: list[str], clients: int, seconds: float) -> dict[str, object]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(offset: int) -> None:
        nonlocal errors
        index = offset
        while time.perf_counter() < deadline:
            url = urls[index % len(urls)]
            index += 1
            started = time.perf_counter()
            ok = True
            try:
                request = urllib.request.Request(url, headers={
                    "Accept": "application/sparql-results+json"})
                with urllib.request.urlopen(request, timeout=60) as response:
                    response.read()
            except (urllib.error.URLError, OSError):
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                errors += 0 if ok else 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    ordered = sorted(latencies)

    def pct(p: float) -> float | None:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 1) \
            if ordered else None

    return {"clients": clients, "requests": len(ordered), "errors": errors,
            "rps": round(len(ordered) / wall, 1), "p50_ms": pct(0.50), "p95_ms": pct(0.95),
            "p99_ms": pct(0.99)}


def _inline(query_text: str, bindings: dict[str, str]) -> str:
    """The query text with its parameters as a trailing VALUES clause (for a plain endpoint)."""
    if not bindings:
        return query_text
    names = " ".join(f"?{k}" for k in bindings)
    return f"{query_text}\nVALUES ({names}) {{ ({' '.join(bindings.values())}) }}"


class _PeakRss(threading.Thread):
    """Samples a process tree's resident memory every half second; ``peak_mb`` is the most."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_mb, self.done = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.5):
            self.peak_mb = max(self.peak_mb, _tree_rss_mb(self.pid))


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()


def _bpss_server(store: Path, port: int, cache_mb: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, BPSS_KG_QUERY_TIMEOUT="30", BPSS_KG_ANSWER_CACHE_MB=str(cache_mb))
    server = subprocess.Popen([str(BIN / "bpss-kg"), "serve", "--store", str(store), "--port",
                               str(port), "--query-timeout", "30"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait(f"http://127.0.0.1:{port}/api/queries")
    time.sleep(5)  # let the summaries' start-up check finish
    return server




def stage_endpoint(stores: Path, manifest: dict[str, object], seconds: float,
                   clients: list[int], codes: list[str]) -> dict[str, object]:
    """bpss-kg as deployed (answers kept until the next write), bpss-kg evaluating every request
    (answer cache off) and ``oxigraph serve``, one after the other on the same data. The
    requests: every library query in rounds, the county parameters taking the next counties in
    each round (every county once; the national queries repeat, as dashboards ask them again
    and again); the pages: each county's dashboard and resource page."""
    sys.path.insert(0, str(ROOT / "src"))
    from bpss_kg.queries import library

    queries = library()
    ours, theirs = _free_port(), _free_port()
    base, other = f"http://127.0.0.1:{ours}", f"http://127.0.0.1:{theirs}"
    bpss_urls, ox_urls = [], []
    for round_ in range(max(1, len(codes) // 2)):
        values = query_values(manifest, round_)
        for name, query in queries.items():
            params = values.get(name, {})
            bpss_urls.append(f"{base}/api/queries/{name}?{urllib.parse.urlencode(params)}")
            bound = {k: str(v) for k, v in query.bind(params).items()}
            ox_urls.append(f"{other}/query?" + urllib.parse.urlencode(
                {"query": _inline(query.text, bound)}))
    pages = [url for i, code in enumerate(codes) for url in (
        f"{base}/county/{code}",
        f"{base}/resource?iri=https://w3id.org/bpss-kg/id/place/{codes[(i + 1) % len(codes)]}")]
    result: dict[str, object] = {"seconds_per_level": seconds}
    peaks: dict[str, float] = {}

    def levels(label: str, urls: list[str]) -> None:
        result[label] = [_load(urls, level, seconds) for level in clients]

    for cache_mb, runs in ((64, (("bpss-kg library", bpss_urls), ("bpss-kg pages", pages))),
                           (0, (("bpss-kg library, answer cache off", bpss_urls),))):
        server = _bpss_server(stores / "bpss", ours, cache_mb)
        sampler = _PeakRss(server.pid)
        sampler.start()
        try:
            for label, urls in runs:
                levels(label, urls)
        finally:
            sampler.done.set()
            _stop(server)
        key = "bpss-kg" if cache_mb else "bpss-kg, answer cache off"
        peaks[key] = sampler.peak_mb
    oxigraph = subprocess.Popen([str(BIN / "oxigraph"), "serve", "--location",
                                 str(stores / "raw"), "--bind", f"127.0.0.1:{theirs}",
                                 "--union-default-graph", "--timeout-s", "30"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sampler = _PeakRss(oxigraph.pid)
    sampler.start()
    try:
        _wait(f"{other}/query?query=ASK%7B%7D")
        levels("oxigraph same queries", ox_urls)
    finally:
        sampler.done.set()
        _stop(oxigraph)
    peaks["oxigraph"] = sampler.peak_mb
    result["peak_rss_mb"] = {k: round(v) for k, v in peaks.items()}
    for label, key in (("bpss-kg library", "rps_ratio_vs_oxigraph"),
                       ("bpss-kg library, answer cache off", "rps_ratio_vs_oxigraph_cache_off")):
        result[key] = [round(a["rps"] / b["rps"], 2) if b["rps"] else None
                       for a, b in zip(result[label], result["oxigraph same queries"],  # type: ignore[arg-type]
                                       strict=True)]
    return result


def _log(size: int, stage: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] N={size} {stage}", file=sys.stderr, flush=True)


# -- main --------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 2850])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--stages", default="load,queries,validation,endpoint")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) /
                        "bpss-kg-bench")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--rdflib-runs", type=int, default=1,
                        help="rdflib loads per N (each takes minutes and GBs at national N)")
    parser.add_argument("--rdflib-timeout", type=float, default=120.0)
    parser.add_argument("--query-timeout", type=float, default=120.0)
    parser.add_argument("--pyshacl-counties", type=int, default=5)
    parser.add_argument("--whole-pyshacl-max", type=int, default=100,
                        help="run one whole-graph pySHACL validation for N up to this")
    parser.add_argument("--whole-pyshacl-timeout", type=float, default=1800.0)
    parser.add_argument("--endpoint-seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 50])
    args = parser.parse_args(argv)
    stages = set(args.stages.split(","))
    args.workdir.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    results_file = args.out / "results.json"
    results = json.loads(results_file.read_text()) if results_file.exists() else {"sizes": {}}
    results["machine"] = machine()
    results["command"] = "python -m bench " + " ".join(argv if argv is not None else
                                                      sys.argv[1:])
    for asked in args.sizes:
        size = min(asked, MAX_COUNTIES)
        data, manifest = dataset(args.workdir, size)
        stores = args.workdir / f"stores-{size}"
        stores.mkdir(exist_ok=True)
        entry = results["sizes"].setdefault(str(size), {})
        entry |= {"counties": size, "asked": asked, "quads": manifest.get("quads")}
        values = query_values(manifest)
        codes = manifest["county_codes"]
        entry.setdefault("runs", []).append(
            {"date": datetime.now(UTC).isoformat(timespec="seconds"),
             "stages": ",".join(sorted(stages)), "load": os.getloadavg()})
        if "load" in stages or not (stores / "bpss").exists():
            _log(size, "load")
            entry["load"] = stage_load(data, stores, args.runs,
                                       args.rdflib_runs if "load" in stages else 0)
        if "queries" in stages:
            _log(size, "queries")
            entry["queries"] = stage_queries(data, stores, values, args.runs,
                                             args.query_timeout, args.rdflib_timeout,
                                             with_rdflib=args.rdflib_runs > 0)["queries"]
        if "validation" in stages:
            _log(size, "validation")
            entry["validation"] = stage_validation(
                stores, manifest, args.runs, args.pyshacl_counties,
                size <= args.whole_pyshacl_max, data, args.whole_pyshacl_timeout)
        if "endpoint" in stages:
            _log(size, "endpoint")
            entry["endpoint"] = stage_endpoint(stores, manifest, args.endpoint_seconds,
                                               args.clients, codes)  # type: ignore[arg-type]
        results_file.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n",
                                encoding="utf-8")
    from .report import write_report

    # the project's results also rewrite the tables of its performance page
    write_report(results, args.out, DOC if args.out.resolve() == RESULTS.resolve() else None)
    print(f"results in {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
