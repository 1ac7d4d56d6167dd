"""Tables (Markdown) and the chart (PNG) of a benchmark's results.json.

    python -m bench.report [docs/performance-results]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"  # Debian fonts-wqy-microhei


def write_results(out: Path, result: dict[str, object]) -> None:
    """A benchmark's figures to ``out`` (JSON, UTF-8) and to stdout."""
    out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(result, ensure_ascii=False, indent=1)
    out.write_text(text + "\n", encoding="utf-8")
    print(text)


def _s(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):  # None or NaN
        return "–"
    if isinstance(value, float):
        if value >= 100:
            return f"{value:,.0f}"
        return f"{value:.3f}" if value < 1 else f"{value:.2f}"
    return str(value)


def _time(figure: dict[str, object] | None) -> str:
    if not figure:
        return "–"
    if figure.get("timed_out"):
        return f"> {figure['timeout']:.0f} s (stopped)"
    median = figure.get("median_s")
    if isinstance(median, int | float) and median < RESOLUTION_S:
        return "< 0.0005 s"
    return "–" if median is None else f"{_s(median)} s"


RESOLUTION_S = 0.0005  # medians are stored to the millisecond: "0.000 s" means below 0.5 ms


def speedup(r: dict[str, object], engine: str) -> str:
    """How many times faster bpss-kg is than ``engine`` ("≥" when a side is only bounded)."""
    ours, other = r.get("bpss-kg"), r.get(engine)
    if not isinstance(ours, dict) or not isinstance(other, dict) or ours.get("median_s") is None:
        return "–"
    mine = ours["median_s"]
    bound = mine < RESOLUTION_S or other.get("timed_out")
    theirs = other["timeout"] if other.get("timed_out") else other.get("median_s")
    if theirs is None:
        return "–"
    ratio = theirs / max(mine, RESOLUTION_S)
    text = f"{ratio:,.0f}" if ratio >= 10 else f"{ratio:.1f}"
    return f"≥ {text}" if bound else text


def _same(r: dict[str, object], engine: str) -> str:
    ours, other = r.get("bpss-kg"), r.get(engine)
    if not isinstance(ours, dict) or not isinstance(other, dict) or other.get("digest") is None:
        return "–"
    return "✔" if other["digest"] == ours["digest"] else "✘"


def tables(results: dict[str, object]) -> str:
    sizes = results["sizes"]
    assert isinstance(sizes, dict)
    ns = sorted(sizes, key=int)
    m = results["machine"]
    assert isinstance(m, dict)
    out = [f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_mb'] // 1024} GiB, "
           f"{m['os']}, Python {m['python']}, pyoxigraph {m['pyoxigraph']}, rdflib "
           f"{m['rdflib']}, pySHACL {m['pyshacl']}; load average at start "
           f"{', '.join(f'{x:.2f}' for x in m['load_average_at_start'])}; {m['date']}.",
           f"Command: `{results.get('command', 'python -m bench')}`.", ""]
    for n in ns:
        for run in sizes[n].get("runs", []):
            out.append(f"- N = {int(n):,}: measured {run['date']} (stages {run['stages']}; "
                       f"load average at start {', '.join(f'{x:.2f}' for x in run['load'])})")
    out.append("")
    header = "| | " + " | ".join(f"N = {int(n):,} ({sizes[n].get('quads') or 0:,} quads)"
                                  for n in ns) + " |"
    rule = "|---|" + "---:|" * len(ns)

    def row(label: str, get) -> str:  # type: ignore[no-untyped-def]
        cells = []
        for n in ns:
            try:
                cells.append(get(sizes[n]))
            except (KeyError, TypeError, ZeroDivisionError):
                cells.append("–")
        return f"| {label} | " + " | ".join(cells) + " |"

    out += ["### Load", "", header, rule,
            row("bpss-kg `load` (atomic), time", lambda e: f"{_s(e['load']['bpss_kg_load']['time_s'])} s"),
            row("raw pyoxigraph `bulk_load` (on disk), time", lambda e: f"{_s(e['load']['pyoxigraph_bulk_load']['time_s'])} s"),
            row("rdflib `Dataset.parse`, time", lambda e: f"{_s(e['load']['rdflib_parse']['time_s'])} s ({e['load']['rdflib_parse']['runs']} run)"),
            row("**bpss-kg / raw time**", lambda e: f"**{e['load']['ratio_time_vs_raw']}×**"),
            row("bpss-kg `load`, peak RSS", lambda e: f"{e['load']['bpss_kg_load']['peak_rss_mb']:,} MB"),
            row("raw pyoxigraph, peak RSS", lambda e: f"{e['load']['pyoxigraph_bulk_load']['peak_rss_mb']:,} MB"),
            row("rdflib, peak RSS", lambda e: f"{e['load']['rdflib_parse']['peak_rss_mb']:,} MB"),
            row("**bpss-kg / rdflib memory**", lambda e: f"**{e['load']['ratio_memory_vs_rdflib']}**"),
            row("bpss-kg `summarize` after the load, time", lambda e: f"{_s(e['load']['bpss_kg_summarize']['time_s'])} s"),
            row("bpss-kg `summarize`, peak RSS", lambda e: f"{e['load']['bpss_kg_summarize']['peak_rss_mb']:,} MB"),
            ""]
    out += ["### Library queries (median of the runs; on-disk stores; rdflib in memory)", ""]
    for n in ns:
        queries = sizes[n].get("queries")
        if not queries:
            continue
        out += [f"N = {int(n):,}:", "",
                "| query | bpss-kg | raw pyoxigraph | rdflib | × vs pyoxigraph | × vs rdflib "
                "| rows | same rows (ox / rdflib) |", "|---|---:|---:|---:|---:|---:|---:|---|"]
        for name, r in queries.items():
            same = "/".join(_same(r, e) for e in ("pyoxigraph", "rdflib"))
            out.append(f"| {name} | {_time(r.get('bpss-kg'))} | {_time(r.get('pyoxigraph'))} "
                       f"| {_time(r.get('rdflib'))} | {speedup(r, 'pyoxigraph')} | "
                       f"{speedup(r, 'rdflib')} | {r['bpss-kg'].get('rows')} | {same} |")
        out.append("")
    out += ["### Validation", "", header, rule,
            row("full run, `bpss-kg validate` (CLI wall, 2 worker processes)", lambda e: f"{_s(e['validation']['full_cli_s'])} s"),
            row("one county changed: `validate(changed=True)` (library call)", lambda e: f"{_s(e['validation']['incremental_library_s'])} s"),
            row("one county changed: `bpss-kg validate --changed` (CLI wall, incl. start-up)", lambda e: f"{_s(e['validation']['incremental_cli_s'])} s"),
            row("findings / injected faults", lambda e: f"{e['validation']['findings']} / {e['validation']['injected_faults']} {'✔' if e['validation']['findings_match_manifest'] else '✘'}"),
            row("pySHACL per county (median)", lambda e: f"{_s(e['validation']['pyshacl_per_county_s'])} s"),
            row("pySHACL county by county, extrapolated to N, 2 processes", lambda e: f"~{e['validation']['pyshacl_extrapolated_2_processes_s']:,} s"),
            row("pySHACL findings = bpss-kg findings (counties compared)", lambda e: f"{'✔' if e['validation']['pyshacl_same_findings'] else '✘'} ({e['validation']['pyshacl_counties_measured']})"),
            row("pySHACL whole graph, one run", lambda e: f"{_s(e['validation']['pyshacl_whole_graph_s'])} s"),
            ""]
    out += ["### Endpoint (127.0.0.1; requests/s, latency p50 / p95 / p99 in ms, errors)", ""]
    for n in ns:
        endpoint = sizes[n].get("endpoint")
        if not endpoint:
            continue
        peaks = endpoint["peak_rss_mb"]
        off = endpoint.get("bpss-kg library, answer cache off")
        out += [f"N = {int(n):,} ({endpoint['seconds_per_level']:.0f} s per level; peak RSS "
                + ", ".join(f"{k} {v:,} MB" for k, v in peaks.items()) + "):", "",
                "| clients | bpss-kg library queries | bpss-kg, answer cache off | "
                "oxigraph serve, same queries | bpss-kg / oxigraph rps (cache off) "
                "| bpss-kg resource pages |", "|---:|---|---|---|---:|---|"]

        def fmt(f: dict[str, object] | None) -> str:
            if f is None:
                return "–"
            return (f"{f['rps']} req/s; {f['p50_ms']} / {f['p95_ms']} / {f['p99_ms']}; "
                    f"{f['errors']} errors")

        for index, ours in enumerate(endpoint["bpss-kg library"]):
            theirs = endpoint["oxigraph same queries"][index]
            pages = endpoint["bpss-kg pages"][index]
            cold = off[index] if off else None
            ratio = str(endpoint["rps_ratio_vs_oxigraph"][index])
            if off:
                ratio += f" ({endpoint['rps_ratio_vs_oxigraph_cache_off'][index]})"
            out.append(f"| {ours['clients']} | {fmt(ours)} | {fmt(cold)} | {fmt(theirs)} | "
                       f"{ratio} | {fmt(pages)} |")
        out.append("")
    return "\n".join(out)


def chart(results: dict[str, object], target: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    if Path(CJK_FONT).exists():
        font_manager.fontManager.addfont(CJK_FONT)
        plt.rcParams["font.family"] = font_manager.FontProperties(fname=CJK_FONT).get_name()
    sizes = results["sizes"]
    assert isinstance(sizes, dict)
    ns = sorted(sizes, key=int)
    x = [int(n) for n in ns]

    def series(get):  # type: ignore[no-untyped-def]
        points = []
        for n in ns:
            try:
                value = get(sizes[n])
            except (KeyError, TypeError):
                value = None
            points.append(value if isinstance(value, int | float) else None)
        return points

    def total(engine: str):  # type: ignore[no-untyped-def]
        def get(entry):  # type: ignore[no-untyped-def]  # a stopped query counts its time limit
            figures = [q[engine]["timeout"] if q[engine].get("timed_out") else
                       q[engine]["median_s"] for q in entry["queries"].values()]
            return None if any(f is None for f in figures) else sum(figures)
        return get

    lines = [
        ("加载 bpss-kg load", lambda e: e["load"]["bpss_kg_load"]["time_s"], "-o"),
        ("加载 raw pyoxigraph bulk_load", lambda e: e["load"]["pyoxigraph_bulk_load"]["time_s"], "--o"),
        ("加载 rdflib parse", lambda e: e["load"]["rdflib_parse"]["time_s"], ":o"),
        ("18 个库查询合计 bpss-kg (library queries total)", total("bpss-kg"), "-s"),
        ("18 个库查询合计 raw pyoxigraph (stopped queries count their limit: a lower bound)",
         total("pyoxigraph"), "--s"),
        ("全量校验 bpss-kg validate (full)", lambda e: e["validation"]["full_cli_s"], "-^"),
        ("单县增量校验 one county changed", lambda e: e["validation"]["incremental_library_s"], "-v"),
        ("pySHACL 逐县外推 (county by county, extrapolated, 2 processes)", lambda e: e["validation"]["pyshacl_extrapolated_2_processes_s"], ":^"),
        ("pySHACL 整图一次 (whole graph, one run)", lambda e: e["validation"]["pyshacl_whole_graph_s"], ":x"),
    ]
    figure, axis = plt.subplots(figsize=(10, 7.6), dpi=120)
    for label, get, style in lines:
        y = series(get)
        if any(v is not None for v in y):
            axis.plot([a for a, b in zip(x, y, strict=True) if b is not None],
                      [b for b in y if b is not None], style, label=label)
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xlabel("县数 N (counties)")
    axis.set_ylabel("时间 / time (s)")
    axis.set_title("bpss-kg 全国规模性能：时间随县数增长 (time against N, log-log)")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2,
                frameon=False)
    figure.tight_layout()
    figure.savefig(target)
    plt.close(figure)


def _largest(results: dict[str, object]) -> tuple[str, dict[str, object]]:
    sizes = results["sizes"]
    assert isinstance(sizes, dict)
    n = max(sizes, key=int)
    return n, sizes[n]


def _get(entry: dict[str, object], *path: object) -> object:
    value: object = entry
    for key in path:
        found = (isinstance(value, dict) and key in value) or (
            isinstance(value, list) and isinstance(key, int) and key < len(value))
        if not found:
            return None
        value = value[key]  # type: ignore[index]
    return value


def _query_extremes(entry: dict[str, object]) -> tuple[object, object, object, object]:
    """The slowest bpss-kg median (name, seconds) and the smallest speed-up over rdflib
    (name, text) among the library queries."""
    queries = entry.get("queries") or {}
    assert isinstance(queries, dict)
    timed = [(r["bpss-kg"]["median_s"], name) for name, r in queries.items()
             if r["bpss-kg"].get("median_s") is not None]
    slowest = max(timed, default=(None, None))

    def ratio(row: dict[str, object]) -> float:
        ours, other = row["bpss-kg"], row.get("rdflib")
        if not isinstance(other, dict) or not isinstance(ours, dict):
            return float("inf")
        theirs = other["timeout"] if other.get("timed_out") else other.get("median_s")
        return float("inf") if theirs is None else theirs / max(ours["median_s"], RESOLUTION_S)

    ratios = [(ratio(r), name) for name, r in queries.items() if "rdflib" in r]
    least = min(ratios, default=(None, None))
    least_text = speedup(queries[least[1]], "rdflib") if least[1] else None
    return slowest[1], slowest[0], least[1], least_text


def targets(results: dict[str, object]) -> str:
    """The performance issue's targets against the figures of the largest N."""
    n, e = _largest(results)
    slow_name, slow_s, least_name, least_text = _query_extremes(e)
    queries = e.get("queries") or {}
    assert isinstance(queries, dict)
    raw_slow = [name for name, r in queries.items()
                if (r.get("pyoxigraph") or {}).get("timed_out") or
                ((r.get("pyoxigraph") or {}).get("median_s") or 0) > 1]
    beaten = [name for name in raw_slow if speedup(queries[name], "pyoxigraph") != "–" and
              float(speedup(queries[name], "pyoxigraph").lstrip("≥ ").replace(",", "")) > 1]
    endpoint = e.get("endpoint") or {}
    level50 = next((i for i, f in enumerate(_get(endpoint, "bpss-kg library") or [])
                    if f["clients"] == 50), None)

    def mark(ok: object) -> str:
        return "–" if ok is None else ("✔" if ok else "✘")

    def num(value: object) -> float | None:
        return value if isinstance(value, int | float) else None

    ratio = num(_get(e, "load", "ratio_time_vs_raw"))
    memory_text = "–" if memory_value(e) is None else f"{memory_value(e)}"
    memory = num(_get(e, "load", "ratio_memory_vs_rdflib"))
    full = num(_get(e, "validation", "full_cli_s"))
    incremental = num(_get(e, "validation", "incremental_library_s"))
    same = _get(e, "validation", "pyshacl_same_findings")
    manifest = _get(e, "validation", "findings_match_manifest")
    rps = [r for r in (_get(endpoint, "rps_ratio_vs_oxigraph") or []) if r is not None]
    rps_off = [r for r in (_get(endpoint, "rps_ratio_vs_oxigraph_cache_off") or [])
               if r is not None]
    p99 = num(_get(endpoint, "bpss-kg library", level50, "p99_ms")) if level50 is not None \
        else None
    peaks = _get(endpoint, "peak_rss_mb") or {}
    assert isinstance(peaks, dict)
    peak = max(peaks.get("bpss-kg", 0), peaks.get("bpss-kg, answer cache off", 0)) or None
    least_value = None
    if least_text and least_text != "–":
        least_value = float(least_text.lstrip("≥ ").replace(",", ""))
    rows = [
        ("load atomic, ≤ 1.5× raw `bulk_load` time", f"{ratio}×", ratio is not None and
         ratio <= 1.5),
        ("load peak memory ≤ 1/4 of rdflib's", memory_text, None if memory is None else
         memory <= 0.25),
        ("every library query: median ≤ 1 s", f"slowest {slow_name}: {_s(slow_s)} s",
         None if slow_s is None else slow_s <= 1),
        ("every library query ≥ 50× faster than rdflib in memory",
         f"least {least_name}: {least_text}×" if least_name else "–",
         None if least_value is None else least_value >= 50),
        ("faster than raw pyoxigraph where the raw query takes > 1 s",
         f"{len(beaten)} of {len(raw_slow)}", len(beaten) == len(raw_slow)),
        ("full validation of the nation ≤ 60 s (2 cores)", f"{_s(full)} s",
         None if full is None else full <= 60),
        ("findings identical to pySHACL (and to the injected faults)",
         f"{mark(same)} / {mark(manifest)}", None if same is None else bool(same and manifest)),
        ("re-validating one changed county ≤ 1 s (library call)", f"{_s(incremental)} s",
         None if incremental is None else incremental <= 1),
        ("endpoint throughput ≥ 0.7× `oxigraph serve` (every client level)",
         f"{min(rps, default=0)}× (answer cache off: {min(rps_off, default=0)}×)",
         None if not rps else min(rps) >= 0.7),
        ("p99 ≤ 250 ms for library queries with 50 clients", f"{_s(p99)} ms",
         None if p99 is None else p99 <= 250),
        ("the service answers within 2 GiB", f"{peak:,} MB peak (process tree)" if peak
         else "–", None if peak is None else peak <= 2048),
    ]
    out = [f"Targets of the performance issue at N = {int(n):,}:", "",
           "| target | measured | met |", "|---|---|:-:|"]
    out += [f"| {label} | {value} | {mark(ok)} |" for label, value, ok in rows]
    return "\n".join(out)


GROWTH = (
    ("bpss-kg `load`", ("load", "bpss_kg_load", "time_s"), "s"),
    ("raw pyoxigraph `bulk_load`", ("load", "pyoxigraph_bulk_load", "time_s"), "s"),
    ("rdflib `Dataset.parse`", ("load", "rdflib_parse", "time_s"), "s"),
    ("bpss-kg `load`, peak RSS", ("load", "bpss_kg_load", "peak_rss_mb"), "MB"),
    ("bpss-kg `summarize`", ("load", "bpss_kg_summarize", "time_s"), "s"),
    ("full validation", ("validation", "full_cli_s"), "s"),
    ("one county re-validated", ("validation", "incremental_library_s"), "s"),
    ("pySHACL per county", ("validation", "pyshacl_per_county_s"), "s"),
    ("endpoint, library queries, 50 clients: p99", ("endpoint", "bpss-kg library", 2,
                                                    "p99_ms"), "ms"),
    ("endpoint, pages, 50 clients: p99", ("endpoint", "bpss-kg pages", 2, "p99_ms"), "ms"),
    ("server peak RSS", ("endpoint", "peak_rss_mb", "bpss-kg"), "MB"),
)


def growth(results: dict[str, object]) -> str:
    """Each figure at every N, and the exponent k of figure ∝ N^k between the smallest and
    the largest N (1 = linear; below 1, better than linear)."""
    import math

    sizes = results["sizes"]
    assert isinstance(sizes, dict)
    ns = sorted(sizes, key=int)

    def totals(engine: str):  # type: ignore[no-untyped-def]
        def get(entry: dict[str, object]) -> float | None:
            figures = [(_get(r, engine, "median_s")) for r in (entry.get("queries") or {}
                                                               ).values()]
            return None if not figures or any(f is None for f in figures) else sum(figures)
        return get

    series = [(label, (lambda e, p=path: _get(e, *p)), unit) for label, path, unit in GROWTH]
    series[5:5] = [("all library queries, bpss-kg (sum of medians)", totals("bpss-kg"), "s"),
                   ("all library queries, raw pyoxigraph (sum)", totals("pyoxigraph"), "s")]
    out = ["| figure | " + " | ".join(f"N = {int(n):,}" for n in ns) + " | k (N^k) |",
           "|---|" + "---:|" * (len(ns) + 1)]
    for label, get, unit in series:
        values = [get(sizes[n]) for n in ns]
        cells = [f"{_s(v)} {unit}" if isinstance(v, int | float) else "–" for v in values]
        known = [(int(n), v) for n, v in zip(ns, values, strict=True)
                 if isinstance(v, int | float) and v > 0]
        k = "–"
        if len(known) >= 2 and known[-1][0] > known[0][0]:
            k = f"{math.log(known[-1][1] / known[0][1]) / math.log(known[-1][0] / known[0][0]):.2f}"
        out.append(f"| {label} | " + " | ".join(cells) + f" | {k} |")
    return "\n".join(out)


def memory_value(entry: dict[str, object]) -> float | None:
    value = _get(entry, "load", "ratio_memory_vs_rdflib")
    return value if isinstance(value, int | float) else None


DOC_START, DOC_END = "<!-- bench:tables -->", "<!-- /bench:tables -->"


def write_report(results: dict[str, object], out: Path, doc: Path | None = None) -> None:
    """tables.md and chart.png in ``out``; with ``doc``, the block between its DOC_START and
    DOC_END markers replaced by the same tables (so the prose around them stays)."""
    text = "\n\n".join(["### Targets", targets(results), "### Growth from the smallest to the "
                         "largest N", growth(results), tables(results)])
    (out / "tables.md").write_text(text + "\n", encoding="utf-8")
    chart(results, out / "chart.png")
    if doc is not None and doc.exists():
        page = doc.read_text(encoding="utf-8")
        if DOC_START in page and DOC_END in page:
            head, rest = page.split(DOC_START, 1)
            _old, tail = rest.split(DOC_END, 1)
            doc.write_text(f"{head}{DOC_START}\n{text}\n{DOC_END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/performance-results")
    write_report(json.loads((folder / "results.json").read_text(encoding="utf-8")), folder,
                 Path(__file__).resolve().parents[1] / "docs" / "performance.md")
