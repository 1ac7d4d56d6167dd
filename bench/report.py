"""Tables (Markdown) and the chart (PNG) of a benchmark's results.json.

    python -m bench.report [docs/performance-results]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"  # Debian fonts-wqy-microhei


def _s(value: object) -> str:
    if value is None:
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
        def get(entry):  # type: ignore[no-untyped-def]
            figures = [q[engine]["median_s"] for q in entry["queries"].values()]
            return None if any(f is None for f in figures) else sum(figures)
        return get

    lines = [
        ("加载 bpss-kg load", lambda e: e["load"]["bpss_kg_load"]["time_s"], "-o"),
        ("加载 raw pyoxigraph bulk_load", lambda e: e["load"]["pyoxigraph_bulk_load"]["time_s"], "--o"),
        ("加载 rdflib parse", lambda e: e["load"]["rdflib_parse"]["time_s"], ":o"),
        ("18 个库查询合计 bpss-kg (library queries total)", total("bpss-kg"), "-s"),
        ("18 个库查询合计 raw pyoxigraph", total("pyoxigraph"), "--s"),
        ("全量校验 bpss-kg validate (full)", lambda e: e["validation"]["full_cli_s"], "-^"),
        ("单县增量校验 one county changed", lambda e: e["validation"]["incremental_library_s"], "-v"),
        ("pySHACL 逐县外推 (county by county, extrapolated, 2 processes)", lambda e: e["validation"]["pyshacl_extrapolated_2_processes_s"], ":^"),
        ("pySHACL 整图一次 (whole graph, one run)", lambda e: e["validation"]["pyshacl_whole_graph_s"], ":x"),
    ]
    figure, axis = plt.subplots(figsize=(10, 6.2), dpi=120)
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
    axis.legend(fontsize=8, loc="upper left")
    figure.tight_layout()
    figure.savefig(target)
    plt.close(figure)


def write_report(results: dict[str, object], out: Path) -> None:
    (out / "tables.md").write_text(tables(results) + "\n", encoding="utf-8")
    chart(results, out / "chart.png")


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/performance-results")
    write_report(json.loads((folder / "results.json").read_text(encoding="utf-8")), folder)
