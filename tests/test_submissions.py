"""Yearly submissions of generated counties (issue 18): `generate --submissions` writes each
county graph as at the end of each year; replayed in order through the write gate, every county
gets an edition per year in which it changed, and the diff between the first and the last says
in table words what a real re-submission says: standards added, revised (代替), items gained."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from bpss_kg.access import Scope, Writer
from bpss_kg.cli import app
from bpss_kg.editions import EditionLog
from bpss_kg.errors import BadInput
from bpss_kg.store import OxigraphStore
from bpss_kg.submissions import county_graphs_of, parse_years, replay_submissions
from bpss_kg.system_diff import edition_pair
from bpss_kg.writes import WriteGate

OFFICE = Writer("tok-sub", "county office (synthetic)", Scope("admin"))
YEARS = [2021, 2022, 2023, 2024, 2025]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    result = CliRunner().invoke(app, ["generate", "--counties", "4", "--seed", "5", "--out",
                                      str(folder / "national.nq"), "--submissions", "2021-2025"])
    assert result.exit_code == 0, result.output
    return folder


def test_one_file_per_year_flagged_synthetic_and_growing(generated):
    files = [generated / "national.nq.submissions" / f"{y}.nq" for y in YEARS]
    assert all(f.is_file() for f in files)
    assert all(f.read_text(encoding="utf-8").startswith("# SYNTHETIC DATA") for f in files)
    sizes = [sum(len(t) for t in county_graphs_of(f).values()) for f in files]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]
    assert {len(county_graphs_of(f)) for f in files} == {4}


def test_replayed_in_order_they_give_editions_and_a_readable_diff(generated, tmp_path):
    store = OxigraphStore(tmp_path / "store")
    log = EditionLog(store.path)
    gate = WriteGate(store, None, after_write=lambda: None, editions=log)

    def put(graph: str, triples: list[ox.Triple]) -> None:
        gate.write(OFFICE, "PUT /graph-store", {graph},
                   lambda: store.replace_graph(ox.NamedNode(graph), triples))

    files = [generated / "national.nq.submissions" / f"{y}.nq" for y in YEARS]
    assert replay_submissions(files, put) == 4 * len(YEARS)
    graphs = sorted(county_graphs_of(files[-1]))
    added = revised = 0
    for graph in graphs:
        editions = log.editions(graph=graph)
        assert 2 <= len(editions) <= len(YEARS)
        assert [e.number for e in editions] == list(range(1, len(editions) + 1))
        _, _, diff = edition_pair(log, graph, graph, 1, None)
        added += len(diff.added)
        revised += len(diff.revised)
    assert added > 0 and revised > 0
    # the newest editions are the last year's graphs exactly
    last = county_graphs_of(files[-1])
    for graph in graphs:
        assert set(store.quads(ox.NamedNode(graph))) == {
            ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph)) for t in last[graph]}
    log.close()
    store.close()


@pytest.mark.parametrize("raw", ["2022,x", "2024-2022", "1800", ""])
def test_bad_years_are_refused(raw):
    with pytest.raises(BadInput, match="--submissions"):
        parse_years(raw)


def test_years_are_read_as_lists_and_spans():
    assert parse_years("2023, 2021-2022,2023") == [2021, 2022, 2023]
