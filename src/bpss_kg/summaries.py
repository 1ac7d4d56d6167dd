"""Summaries: per-county answers of the national library queries, kept up to date with the store.

A national query such as "coverage of the national items per county" joins every standard of
every county; on the national dataset Oxigraph needs seconds to minutes for it. But its answer
is the union of its answers on each county alone: every solution lies inside one county's
graph plus the shared layer (national list, ontology). A library query that says so in its
header (``# summary: county``) is therefore evaluated once per county, on an in-memory copy of
exactly that county's dataset, and the rows are kept beside the store (``summaries.sqlite``).
Answering it nationally is then reading and concatenating those rows, in county order.

Kept up to date: the summaries remember the store's change-journal number they reflect; before
answering, the counties written since are evaluated again (an import: a few milliseconds), and
anything the journal cannot tell (a bulk load) rebuilds them all. Parameters: a parameter bound
by the caller selects rows whose column holds exactly that term, which is what substituting a
pattern variable does; parameters that enter a computation (``# summary-fixed: as_of``) are
summarized at their default value only, and any other value is evaluated directly. A query whose
ORDER BY does not begin with ``?county`` cannot be concatenated in order and is not summarized.
Every summarized query is tested to give the same rows as its direct evaluation.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import sqlite3
import threading
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox

from . import resources
from .background import CoalescingWorker
from .namespaces import GRAPH, NATIONAL_GRAPH, ONTOLOGY_GRAPH
from .queries import LibraryQuery, library, parse_query_file
from .store import OxigraphStore, Store, Term

SUMMARY_FILE = "summaries.sqlite"
COUNTY_PREFIX = str(GRAPH["county/"])
SHARED_GRAPHS = (str(NATIONAL_GRAPH), str(ONTOLOGY_GRAPH))
INLINE_REFRESH_MAX = 200  # changed counties refreshed on the spot; more: a full rebuild
PARALLEL_FROM = 100  # counties; below this a full rebuild runs in this process
WORKERS = max(1, min(4, os.cpu_count() or 1))


def summarized_queries(queries: dict[str, LibraryQuery] | None = None) -> list[LibraryQuery]:
    """The library queries that declare a per-county summary."""
    return [q for q in (queries or library()).values() if q.summary == "county"]


@dataclass(frozen=True)
class CombinedPlan:
    """A national aggregate answered from per-county parts (``# summary: partial``).

    ``queries/plans/NAME.partial.rq`` is evaluated per county like a county summary; the
    union of its rows replaces ``VALUES_ROWS`` in ``queries/plans/NAME.plan.rq``, which runs on
    the store. ``# reduce: count-distinct A by B as N`` in the plan's header first turns the
    rows into one row per B with N = the number of distinct A (so a national count over
    200,000 county-item pairs does not pass through a VALUES block)."""

    query: LibraryQuery
    partial: LibraryQuery
    plan: str
    reduce: tuple[str, str, str] | None


def combined_plans(queries: dict[str, LibraryQuery] | None = None) -> list[CombinedPlan]:
    plans = []
    folder = resources.queries_dir() / "plans"
    for query in (queries or library()).values():
        if query.summary != "partial":
            continue
        partial = parse_query_file(folder / f"{query.name}.partial.rq")
        plan = (folder / f"{query.name}.plan.rq").read_text(encoding="utf-8")
        found = re.search(r"^# reduce: count-distinct (\w+) by (\w+) as (\w+)\s*$", plan,
                          re.MULTILINE)
        plans.append(CombinedPlan(query, replace(partial, name=f"{query.name}#partial"), plan,
                                  (found[1], found[2], found[3]) if found else None))
    return plans


def _digest(queries: list[LibraryQuery], plans: list[CombinedPlan]) -> str:
    text = json.dumps([[q.name, q.text, list(q.summary_fixed)] for q in queries] +
                      [[p.query.name, p.partial.text, p.plan] for p in plans])
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _values_block(names: list[str], lines: Iterable[str]) -> str:
    rows = " ".join("(" + " ".join(cell or "UNDEF" for cell in line.split("\t")) + ")"
                    for line in lines)
    return "VALUES (" + " ".join(f"?{n}" for n in names) + ") { " + rows + " }"


def fixed_bindings(query: LibraryQuery) -> dict[str, Term]:
    """The summarized parameters' default terms; every other parameter stays a free variable
    (a required one too: the summary holds the rows for every value)."""
    return {p.name: p.to_term(p.default) for p in query.parameters
            if p.name in query.summary_fixed and p.default is not None}


def _cell(term: object) -> str:
    return "" if term is None else str(term).replace("\t", "\\t")


def county_rows(store: OxigraphStore, queries: list[LibraryQuery]) -> dict[str, list[str]]:
    """Each query's rows (TSV lines of N-Triples terms) on ``store``, which holds one county's
    dataset and nothing else."""
    rows: dict[str, list[str]] = {}
    for query in queries:
        result = store.query(query.text, bindings=fixed_bindings(query))
        names = [v.value for v in result.variables]  # type: ignore[union-attr]
        rows[query.name] = ["\t".join(_cell(s[n]) for n in names)
                            for s in result]  # type: ignore[union-attr]
    return rows


def _evaluate_counties(source: Store, graphs: list[str],
                       queries: list[LibraryQuery]) -> dict[str, dict[str, list[str]]]:
    """Rows per county graph, each county evaluated on an in-memory copy of its dataset."""
    work = OxigraphStore(None)
    db = work._db  # a private copy: no journal needed
    for name in SHARED_GRAPHS:
        db.bulk_extend(source.quads(ox.NamedNode(name)))
    out: dict[str, dict[str, list[str]]] = {}
    for graph in graphs:
        node = ox.NamedNode(graph)
        db.bulk_extend(source.quads(node))
        try:
            out[graph] = county_rows(work, queries)
        finally:
            db.remove_graph(node)
    return out


def _evaluate_chunk(args: tuple[str, list[str], list[str]]) -> dict[str, dict[str, list[str]]]:
    path, graphs, names = args
    known = {q.name: q for q in summarized_queries()} | {
        p.partial.name: p.partial for p in combined_plans()}
    queries = [known[name] for name in names]
    return _evaluate_counties(OxigraphStore.open_snapshot(Path(path)), graphs, queries)


class Summaries:
    """The summary file of one embedded store."""

    def __init__(self, store: OxigraphStore) -> None:
        if store.path is None:
            raise ValueError("summaries are kept beside an on-disk store")
        self.store = store
        self.path = store.path / SUMMARY_FILE
        self.queries = summarized_queries()
        self.plans = combined_plans()
        self.evaluated = self.queries + [p.partial for p in self.plans]
        self.digest = _digest(self.queries, self.plans)
        self._lock = threading.Lock()
        # In memory: the journal number the summaries were last confirmed fresh at, and the
        # answers read or combined from them since (dropped as soon as the store changes).
        self._fresh_at: int | None = None
        self._memo: dict[tuple[object, ...], tuple[list[str], ...]] = {}

    # -- the file ------------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=30)
        connection.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        connection.execute("CREATE TABLE IF NOT EXISTS partial (query TEXT, county TEXT, "
                           "rows TEXT, PRIMARY KEY (query, county))")
        connection.execute("CREATE TABLE IF NOT EXISTS columns (query TEXT PRIMARY KEY, "
                           "names TEXT)")
        return connection

    def _meta(self, connection: sqlite3.Connection) -> dict[str, str]:
        return dict(connection.execute("SELECT key, value FROM meta").fetchall())

    def _write(self, results: dict[str, dict[str, list[str]]], drop: Iterable[str],
               sequence: int, full: bool) -> None:
        with closing(self._connect()) as connection, connection:
            if full:
                connection.execute("DELETE FROM partial")
                connection.execute("DELETE FROM columns")
                for query in self.evaluated:
                    names = self._columns(query)
                    connection.execute("INSERT INTO columns VALUES (?, ?)",
                                       (query.name, json.dumps(names)))
            for graph in drop:
                connection.execute("DELETE FROM partial WHERE county = ?", (graph,))
            connection.executemany(
                "INSERT OR REPLACE INTO partial VALUES (?, ?, ?)",
                [(name, graph, "\n".join(lines))
                 for graph, per_query in results.items()
                 for name, lines in per_query.items() if lines])
            connection.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                   [("sequence", str(sequence)), ("digest", self.digest)])

    def _columns(self, query: LibraryQuery) -> list[str]:
        # The projection, read from the engine on an empty dataset (no need to parse SPARQL).
        empty = OxigraphStore(None)
        result = empty.query(query.text, bindings=fixed_bindings(query))
        return [v.value for v in result.variables]  # type: ignore[union-attr]

    # -- keeping up to date --------------------------------------------------------------------
    def stale_counties(self) -> list[str] | None:
        """County graphs to evaluate again ([] when fresh); None when all must be rebuilt."""
        if not self.path.exists():
            return None
        with closing(self._connect()) as connection:
            meta = self._meta(connection)
        if meta.get("digest") != self.digest or "sequence" not in meta:
            return None
        changed = self.store.changes.changed_since(int(meta["sequence"]))
        if changed is None:
            return None
        if changed & set(SHARED_GRAPHS):
            return None
        return sorted(g for g in changed if g.startswith(COUNTY_PREFIX))

    def refresh(self, *, allow_full: bool = True, wait: bool = True) -> bool:
        """Bring the summaries up to date; False when that needs a full rebuild and
        ``allow_full`` is off, or when another thread is refreshing and ``wait`` is off (the
        caller then evaluates directly)."""
        if self._fresh_at is not None and self._fresh_at == self.store.changes.sequence:
            return True
        if not self._lock.acquire(blocking=wait):
            return False
        try:
            sequence = self.store.changes.sequence
            stale = self.stale_counties()
            if stale is not None and stale and len(stale) <= INLINE_REFRESH_MAX:
                present = {g.value for g in self.store.named_graphs()}
                existing = [g for g in stale if g in present]
                results = _evaluate_counties(self.store, existing, self.evaluated)
                self._write(results, stale, sequence, full=False)
            elif stale is None or stale:
                if not allow_full:
                    return False
                self.rebuild()
            if self._fresh_at != sequence:
                self._memo.clear()
            self._fresh_at = sequence
            return True
        finally:
            self._lock.release()

    def rebuild(self) -> None:
        """Evaluate every county again (in worker processes on a snapshot when many)."""
        sequence = self.store.changes.sequence
        graphs = [g.value for g in self.store.named_graphs() if g.value.startswith(COUNTY_PREFIX)]
        results: dict[str, dict[str, list[str]]] = {}
        snapshot = self.store.snapshot() if len(graphs) >= PARALLEL_FROM and WORKERS > 1 \
            else None
        if snapshot is None:
            results = _evaluate_counties(self.store, graphs, self.evaluated)
        else:
            try:
                chunks = [graphs[i::WORKERS * 4] for i in range(WORKERS * 4)]
                names = [q.name for q in self.evaluated]
                context = multiprocessing.get_context("spawn")
                with ProcessPoolExecutor(max_workers=WORKERS, mp_context=context) as pool:
                    for part in pool.map(_evaluate_chunk,
                                         [(str(snapshot), c, names) for c in chunks if c]):
                        results.update(part)
            finally:
                shutil.rmtree(snapshot, ignore_errors=True)
        self._write(results, [], sequence, full=True)

    # -- answering -----------------------------------------------------------------------------
    def _partial_lines(self, name: str) -> tuple[list[str], list[str]] | None:
        """A query's columns and all its rows, county graph by county graph in graph order."""
        with closing(self._connect()) as connection:
            found = connection.execute("SELECT names FROM columns WHERE query = ?",
                                       (name,)).fetchone()
            if found is None:
                return None
            texts = connection.execute("SELECT rows FROM partial WHERE query = ? "
                                       "ORDER BY county", (name,)).fetchall()
        return json.loads(found[0]), [line for (text,) in texts for line in text.split("\n")]

    def _answer_combined(self, plan: CombinedPlan,
                         bindings: dict[str, Term]) -> ox.QuerySolutions | None:
        key = ("plan", plan.query.name, tuple(sorted((k, str(v)) for k, v in bindings.items())))
        if key in self._memo:
            return _solutions(*self._memo[key])
        result = self._combine(plan, bindings)
        if result is None:
            return None
        names = [v.value for v in result.variables]
        lines = ["\t".join(_cell(s[n]) for n in names) for s in result]
        self._memo[key] = (names, lines)
        return _solutions(names, lines)

    def _combine(self, plan: CombinedPlan,
                 bindings: dict[str, Term]) -> ox.QuerySolutions | None:
        found = self._partial_lines(plan.partial.name)
        if found is None or any(name not in found[0] for name in bindings):
            return None
        names, lines = found
        if bindings:  # a parameter that is a column of the parts selects rows, as substitution
            wanted = {names.index(n): _cell(term) for n, term in bindings.items()}
            lines = [line for line in lines
                     if all(line.split("\t")[i] == value for i, value in wanted.items())]
        if plan.reduce is not None:
            counted, by, as_name = plan.reduce
            a, b = names.index(counted), names.index(by)
            pairs = {(cells[a], cells[b]) for cells in (line.split("\t") for line in lines)}
            totals: dict[str, int] = {}
            for _value, key in pairs:
                totals[key] = totals.get(key, 0) + 1
            xsd_integer = "<http://www.w3.org/2001/XMLSchema#integer>"
            names = [by, as_name]
            lines = [f'{key}\t"{count}"^^{xsd_integer}' for key, count in totals.items()]
        else:
            lines = sorted(set(lines))
        text = plan.plan.replace("VALUES_ROWS", _values_block(names, lines))
        return self.store.query(text)  # type: ignore[return-value]

    def answer(self, query: LibraryQuery, bindings: dict[str, Term]) -> ox.QuerySolutions | None:
        """The query's solutions from the summaries, or None when they cannot give them (not a
        summarized query, a fixed parameter at another value, summaries not up to date)."""
        plan = next((p for p in self.plans if p.query.name == query.name), None)
        if plan is not None:
            if not self.refresh(allow_full=False, wait=False):
                return None
            return self._answer_combined(plan, bindings)
        if query.summary != "county" or query.name not in {q.name for q in self.queries}:
            return None
        fixed = fixed_bindings(query)
        filters: dict[str, str] = {}
        for name, term in bindings.items():
            if name in query.summary_fixed:
                if fixed.get(name) != term:
                    return None
            else:
                filters[name] = _cell(term)
        if not self.refresh(allow_full=False, wait=False):
            return None
        ordered = self._ordered(query.name)
        if ordered is None:
            return None
        names, all_lines, counties = ordered
        if any(name not in names for name in filters):
            return None
        if "county" in filters:  # the rows are in county order: one county's rows are a slice
            county = filters.pop("county")
            all_lines = all_lines[bisect.bisect_left(counties, county):
                                  bisect.bisect_right(counties, county)]
        positions = {name: names.index(name) for name in filters}
        lines = [line for line in all_lines if all(
            line.split("\t")[positions[n]] == value for n, value in filters.items())] \
            if filters else all_lines
        return _solutions(names, lines)

    def _ordered(self, name: str) -> tuple[list[str], ...] | None:
        """All rows of a county-summarized query in its order, and each row's county (kept in
        memory until the store changes)."""
        key = ("rows", name)
        if key not in self._memo:
            found = self._partial_lines(name)
            if found is None:
                return None
            names, lines = found
            county_at = names.index("county")
            # ORDER BY ?county first: a stable sort on the county keeps each county's order.
            lines.sort(key=lambda line: line.split("\t")[county_at])
            self._memo[key] = (names, lines, [line.split("\t")[county_at] for line in lines])
        return self._memo[key]


class BackgroundRefresher(CoalescingWorker):
    """Keeps a server's summaries up to date off the request path. Until a refresh is done,
    summarized queries are evaluated directly (same rows, only slower)."""

    def __init__(self, summaries: Summaries | None) -> None:
        self.summaries = summaries
        super().__init__(lambda: summaries.refresh() if summaries is not None else None,
                         "bpss-kg-summaries",
                         "summary refresh failed; library queries run on the store")

    def schedule(self) -> None:
        if self.summaries is not None:
            super().schedule()


def _solutions(names: list[str], lines: list[str]) -> ox.QuerySolutions:
    header = "\t".join(f"?{n}" for n in names)
    return ox.parse_query_results("\n".join([header, *lines]) + "\n",
                                  ox.QueryResultsFormat.TSV)


_by_path: dict[Path, Summaries] = {}
_by_path_lock = threading.Lock()


def summaries_for(store: Store) -> Summaries | None:
    """The summaries of an embedded on-disk, writable store (one object per store path)."""
    if not isinstance(store, OxigraphStore) or store.path is None or store.read_only:
        return None
    with _by_path_lock:
        found = _by_path.get(store.path)
        if found is None or found.store is not store:
            found = _by_path[store.path] = Summaries(store)
        return found


__all__ = ["BackgroundRefresher", "CombinedPlan", "Summaries", "combined_plans", "county_rows",
           "summaries_for", "summarized_queries"]
