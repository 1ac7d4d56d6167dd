"""Yearly submissions of generated counties: editions to replay (issue 18, system time).

Counties re-submit their 标准明细表 every year. ``bpss-kg generate … --submissions 2022,2023``
writes, beside the generated dataset, one file per year (``FILE.submissions/2022.nq`` …) with
every county graph *as it stood at the end of that year*: the generated county data seen
through ``validity.view_as_of(…, YEAR-12-31)``. From one year to the next a county's graph
gains the standards issued, adopted and observed that year and turns the standards that a new
edition replaced into superseded ones — additions and revisions as a real re-submission has
them, derived from the generated dates rather than invented separately. Replaying the years in
order (a Graph Store PUT of each county graph, or ``replay_submissions``) gives every county
one edition per year in which its graph changed.

Everything stays flagged synthetic as the generator made it; each file says so in its header.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from .errors import BadInput
from .validity import COUNTY_PREFIX, view_as_of

HEADER = ("# SYNTHETIC DATA (合成数据，非官方) — county graphs as submitted at the end of {year}, "
          "derived by bpss-kg generate --submissions from the generated dataset's dates.\n")


def parse_years(raw: str) -> list[int]:
    """``2022,2023`` or ``2021-2024`` → sorted distinct years; ``BadInput`` otherwise."""
    years: set[int] = set()
    for part in (p.strip() for p in raw.split(",")):
        first, sep, last = part.partition("-")
        try:
            span = range(int(first), int(last) + 1) if sep else range(int(first), int(first) + 1)
        except ValueError:
            raise BadInput(f"--submissions expects years like 2022,2023 or 2021-2024, "
                           f"not {raw!r}") from None
        if not span or not all(1990 <= y <= 2100 for y in span):
            raise BadInput(f"--submissions: {part!r} is not a span of years from 1990 to 2100")
        years.update(span)
    return sorted(years)


def submissions_dir(out: Path) -> Path:
    return out.with_name(out.name + ".submissions")


def write_submissions(dataset: Path, years: Iterable[int]) -> list[Path]:
    """One N-Quads file per year beside ``dataset`` (``.nq`` or ``.trig``): its county graphs
    as at the end of the year. Returns the files in year order."""
    fmt = ox.RdfFormat.N_QUADS if dataset.suffix.lower() == ".nq" else ox.RdfFormat.TRIG
    source = ox.Store()
    source.bulk_load(path=str(dataset), format=fmt)
    folder = submissions_dir(dataset)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for year in years:
        view, _ = view_as_of(source, date(year, 12, 31))
        counties = sorted((g for g in view.named_graphs()
                           if isinstance(g, ox.NamedNode) and g.value.startswith(COUNTY_PREFIX)),
                          key=lambda g: g.value)
        path = folder / f"{year}.nq"
        with path.open("wb") as out:
            out.write(HEADER.format(year=year).encode("utf-8"))
            for graph in counties:
                out.write(ox.serialize(
                    sorted(view.quads_for_pattern(None, None, None, graph), key=str),
                    format=ox.RdfFormat.N_QUADS) or b"")
        written.append(path)
    return written


def county_graphs_of(path: Path) -> dict[str, list[ox.Triple]]:
    """The triples of each county graph in one submission file."""
    graphs: dict[str, list[ox.Triple]] = {}
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
        graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
    return graphs


def replay_submissions(files: Iterable[Path],
                       put: Callable[[str, list[ox.Triple]], None]) -> int:
    """Send every county graph of every file, year by year, to ``put(graph, triples)`` (e.g.
    a Graph Store PUT through the write gate); returns how many graphs were sent."""
    sent = 0
    for path in files:
        for graph, triples in county_graphs_of(path).items():
            put(graph, triples)
            sent += 1
    return sent
