"""Summaries: answers of the national library queries, kept up to date with the store.

A national query such as "coverage of the national items per county" joins every standard of
every county; on the national dataset Oxigraph needs seconds to minutes for it. But its answer
is the union of its answers on each county alone: every solution lies inside one county's
graph plus the shared layer (national list, ontology). A library query that says so in its
header (``# summary: county``) is therefore evaluated once per county, on an in-memory copy of
exactly that county's dataset, and the rows are kept beside the store (``summaries.sqlite``),
grouped by the value of their ``?county`` column (and, with ``# summary-key: P``, of the column
of parameter P). Answering it nationally is reading those rows in county order; answering it
for one county (or one value of P) is an indexed look-up. ``# summary: partial`` queries
combine per-county parts in a plan of their own (``queries/plans/``).

A few national questions do not split by county (pairs of counties, provincial means,
agreements across counties): ``# summary: national`` keeps their whole answer, evaluated on the
store when it changed. Such an answer is served only while no county or shared graph has been
written since it was computed; until it has been evaluated again, the query runs directly.

Kept up to date: the summaries remember the store's change-journal number they reflect; before
answering, the counties written since are evaluated again (an import: a few milliseconds), and
anything the journal cannot tell (a bulk load) rebuilds them all. Parameters: a parameter bound
by the caller selects rows whose column holds exactly that term, which is what substituting a
pattern variable does; parameters that enter a computation (``# summary-fixed: as_of``) are
summarized at their default value only, and any other value is evaluated directly. A county
query whose ORDER BY does not begin with ``?county`` cannot be read in order and is not
summarized. Every summarized query is tested to give the same rows as its direct evaluation.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import threading
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox

from . import resources
from .background import CoalescingWorker
from .namespaces import COUNTY_PREFIX, NATIONAL_GRAPH, ONTOLOGY_GRAPH, VALIDATION_PREFIX
from .processes import chunked_map
from .queries import LibraryQuery, library, parse_query_file
from .store import OxigraphStore, Store, Term
from .store.query_service import tsv_cell, tsv_text

SUMMARY_FILE = "summaries.sqlite"
SCHEMA = "2"  # part of the digest: a file of another layout is rebuilt
SHARED_GRAPHS = (str(NATIONAL_GRAPH), str(ONTOLOGY_GRAPH))
INLINE_REFRESH_MAX = 200  # changed counties refreshed on the spot; more: a full rebuild
PARALLEL_FROM = 100  # counties; below this a full rebuild runs in this process
WORKERS = max(1, min(4, os.cpu_count() or 1))

Lines = tuple[list[str], list[str]]  # column names, rows as TSV lines of N-Triples terms


def summarized_queries(queries: dict[str, LibraryQuery] | None = None) -> list[LibraryQuery]:
    """The library queries that declare a per-county summary."""
    return [q for q in (queries or library()).values() if q.summary == "county"]


def national_queries(queries: dict[str, LibraryQuery] | None = None) -> list[LibraryQuery]:
    """The library queries whose whole national answer is kept (``# summary: national``)."""
    return [q for q in (queries or library()).values() if q.summary == "national"]


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
    text = json.dumps([SCHEMA] +
                      [[q.name, q.text, list(q.summary_fixed), q.summary_key] for q in queries] +
                      [[p.query.name, p.partial.text, p.plan] for p in plans])
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _query_digest(query: LibraryQuery) -> str:
    text = json.dumps([SCHEMA, query.text, list(query.summary_fixed)])
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


def result_lines(result: object) -> Lines:
    """A SELECT result as column names and TSV lines of N-Triples terms."""
    names = [v.value for v in result.variables]  # type: ignore[attr-defined]
    # A solution iterates its values in the order of the variables (positional access is
    # several times cheaper than look-up by name).
    return names, ["\t".join(map(tsv_cell, s)) for s in result]  # type: ignore[attr-defined]


def _matching(names: list[str], lines: list[str], filters: dict[str, str]) -> list[str]:
    """The TSV lines (columns ``names``) whose cells equal ``filters`` (column → N-Triples
    term)."""
    if not filters:
        return lines
    positions = {names.index(n): value for n, value in filters.items()}
    return [line for line in lines
            if all(line.split("\t")[i] == value for i, value in positions.items())]


def solutions(names: list[str], lines: list[str]) -> ox.QuerySolutions:
    """Lines read back as pyoxigraph solutions (parsed in Rust)."""
    return ox.parse_query_results(tsv_text(names, lines), ox.QueryResultsFormat.TSV)


def county_rows(store: OxigraphStore, queries: list[LibraryQuery]) -> dict[str, list[str]]:
    """Each query's rows (TSV lines of N-Triples terms) on ``store``, which holds one county's
    dataset and nothing else."""
    return {query.name: result_lines(store.query(query.text,
                                                 bindings=fixed_bindings(query)))[1]
            for query in queries}


def _evaluate_counties(source: Store, graphs: list[str],
                       queries: list[LibraryQuery]) -> dict[str, dict[str, list[str]]]:
    """Rows per county graph, each county evaluated on an in-memory copy of its dataset."""
    work = OxigraphStore(None)
    db = work._db  # a private copy: no journal needed
    for name in SHARED_GRAPHS:
        work.copy_graph_from(source, ox.NamedNode(name))
    out: dict[str, dict[str, list[str]]] = {}
    for graph in graphs:
        node = ox.NamedNode(graph)
        work.copy_graph_from(source, node)
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


def _columns(query: LibraryQuery) -> list[str]:
    """The projection, read from the engine on an empty dataset (no need to parse SPARQL)."""
    result = OxigraphStore(None).query(query.text, bindings=fixed_bindings(query))
    return [v.value for v in result.variables]  # type: ignore[union-attr]


class Summaries:
    """The summary file of one embedded store."""

    def __init__(self, store: OxigraphStore) -> None:
        if store.path is None:
            raise ValueError("summaries are kept beside an on-disk store")
        self.store = store
        self.path = store.path / SUMMARY_FILE
        self.queries = summarized_queries()
        self.plans = combined_plans()
        self.national = national_queries()
        self.evaluated = self.queries + [p.partial for p in self.plans]
        self.digest = _digest(self.queries, self.plans)
        self.columns = {q.name: _columns(q) for q in self.evaluated + self.national}
        self._lock = threading.Lock()
        # In memory: the journal numbers the county rows and the national answers were last
        # confirmed fresh at, and the combined plans' answers since (dropped at a change).
        self._fresh_at: int | None = None
        self._national_at: int | None = None
        self._memo: dict[tuple[object, ...], Lines] = {}

    # -- the file ------------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=30)
        connection.executescript("""
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE IF NOT EXISTS summary_rows (query TEXT NOT NULL, graph TEXT NOT NULL,
                county TEXT NOT NULL, key TEXT NOT NULL, lines TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS summary_rows_by_county ON summary_rows (query, county);
            CREATE INDEX IF NOT EXISTS summary_rows_by_key ON summary_rows (query, key, county);
            CREATE INDEX IF NOT EXISTS summary_rows_by_graph ON summary_rows (graph);
            CREATE TABLE IF NOT EXISTS national (query TEXT PRIMARY KEY, digest TEXT,
                sequence INTEGER, lines TEXT);
            DROP TABLE IF EXISTS partial;
            DROP TABLE IF EXISTS columns;
        """)
        return connection

    def _meta(self, connection: sqlite3.Connection) -> dict[str, str]:
        return dict(connection.execute("SELECT key, value FROM meta").fetchall())

    def _groups(self, query: LibraryQuery, lines: list[str]) -> list[tuple[str, str, str]]:
        """One graph's rows of ``query`` as (county, key, lines) groups, each in row order."""
        names = self.columns[query.name]
        at_county = names.index("county") if "county" in names else None
        at_key = names.index(query.summary_key) if query.summary_key in names else None
        groups: dict[tuple[str, str], list[str]] = {}
        for line in lines:
            cells = line.split("\t")
            group = (cells[at_county] if at_county is not None else "",
                     cells[at_key] if at_key is not None else "")
            groups.setdefault(group, []).append(line)
        return [(county, key, "\n".join(rows)) for (county, key), rows in groups.items()]

    def _write(self, results: dict[str, dict[str, list[str]]], drop: Iterable[str],
               sequence: int, full: bool) -> None:
        by_name = {q.name: q for q in self.evaluated}
        with closing(self._connect()) as connection, connection:
            if full:
                connection.execute("DELETE FROM summary_rows")
            for graph in drop:
                connection.execute("DELETE FROM summary_rows WHERE graph = ?", (graph,))
            connection.executemany(
                "INSERT INTO summary_rows VALUES (?, ?, ?, ?, ?)",
                [(name, graph, county, key, text)
                 for graph, per_query in results.items()
                 for name, lines in per_query.items()
                 for county, key, text in self._groups(by_name[name], lines)])
            connection.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                   [("sequence", str(sequence)), ("digest", self.digest)])

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

    def _unchanged_since(self, sequence: int) -> bool:
        """No graph a library query reads (all but the validation reports) written since."""
        changed = self.store.changes.changed_since(sequence)
        return changed is not None and all(g.startswith(VALIDATION_PREFIX) for g in changed)

    def stale_national(self) -> list[str]:
        """The national answers that must be evaluated again."""
        if not self.national:
            return []
        kept: dict[str, tuple[str, int]] = {}
        if self.path.exists():
            with closing(self._connect()) as connection:
                kept = {q: (d, int(n)) for q, d, n in connection.execute(
                    "SELECT query, digest, sequence FROM national").fetchall()}
        return [q.name for q in self.national
                if kept.get(q.name, ("", 0))[0] != _query_digest(q)
                or not self._unchanged_since(kept[q.name][1])]

    def refresh(self, *, allow_full: bool = True, wait: bool = True) -> bool:
        """Bring the summaries up to date; False when that needs a full rebuild and
        ``allow_full`` is off, or when another thread is refreshing and ``wait`` is off (the
        caller then evaluates directly). The national answers are evaluated again only with
        ``allow_full`` (each costs a direct evaluation; until then, they are not served)."""
        current = self.store.changes.sequence
        if self._fresh_at == current and (not allow_full or self._national_at == current):
            return True
        if not self._lock.acquire(blocking=wait):
            return False
        try:
            sequence = self.store.changes.sequence
            if self._fresh_at != sequence:
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
                self._memo.clear()
                self._fresh_at = sequence
            if allow_full and self._national_at != sequence:
                self._refresh_national(sequence)
                self._national_at = sequence
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
                for part in chunked_map(_evaluate_chunk,
                                        [(str(snapshot), c, names) for c in chunks if c],
                                        WORKERS):
                    results.update(part)
            finally:
                shutil.rmtree(snapshot, ignore_errors=True)
        self._write(results, [], sequence, full=True)

    def _refresh_national(self, sequence: int) -> None:
        stale = set(self.stale_national())
        for query in self.national:
            if query.name not in stale:
                continue
            _names, lines = result_lines(self.store.query(query.text,
                                                          bindings=fixed_bindings(query)))
            with closing(self._connect()) as connection, connection:
                connection.execute("INSERT OR REPLACE INTO national VALUES (?, ?, ?, ?)",
                                   (query.name, _query_digest(query), sequence,
                                    "\n".join(lines)))

    # -- answering -----------------------------------------------------------------------------
    def _read(self, sql: str, parameters: tuple[str, ...]) -> list[str]:
        with closing(self._connect()) as connection:
            texts = connection.execute(sql, parameters).fetchall()
        return [line for (text,) in texts if text for line in text.split("\n")]

    def _combined(self, plan: CombinedPlan, bindings: dict[str, Term]) -> Lines | None:
        key = ("plan", plan.query.name, tuple(sorted((k, str(v)) for k, v in bindings.items())))
        if key not in self._memo:
            result = self._combine(plan, bindings)
            if result is None:
                return None
            self._memo[key] = result_lines(result)
        return self._memo[key]

    def _combine(self, plan: CombinedPlan,
                 bindings: dict[str, Term]) -> ox.QuerySolutions | None:
        names = self.columns[plan.partial.name]
        if any(name not in names for name in bindings):
            return None
        lines = self._read("SELECT lines FROM summary_rows WHERE query = ? "
                           "ORDER BY county, graph, rowid", (plan.partial.name,))
        # a parameter that is a column of the parts selects rows, as substitution would
        lines = _matching(names, lines, {n: tsv_cell(term) for n, term in bindings.items()})
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

    def _county_lines(self, query: LibraryQuery, filters: dict[str, str]) -> list[str]:
        """The rows of a county summary selected by ``filters`` (column → N-Triples term), in
        the query's order: county first, then each county's own order."""
        table = "SELECT lines FROM summary_rows WHERE query = ?"
        order = " ORDER BY county, graph, rowid"
        county = filters.pop("county", None)
        key = filters.pop(query.summary_key, None) if query.summary_key else None
        if key is not None:
            sql, parameters = table + " AND key = ?", (query.name, key)
        else:
            sql, parameters = table, (query.name,)
        if county is not None:
            sql, parameters = sql + " AND county = ?", (*parameters, county)
        lines = self._read(sql + order, parameters)
        return _matching(self.columns[query.name], lines, filters)

    def _national_lines(self, query: LibraryQuery, filters: dict[str, str]) -> list[str] | None:
        with closing(self._connect()) as connection:
            found = connection.execute("SELECT digest, sequence, lines FROM national "
                                       "WHERE query = ?", (query.name,)).fetchone()
        if found is None or found[0] != _query_digest(query) or not self._unchanged_since(
                int(found[1])):
            return None
        lines = found[2].split("\n") if found[2] else []
        return _matching(self.columns[query.name], lines, filters)

    def answer_lines(self, query: LibraryQuery, bindings: dict[str, Term]) -> Lines | None:
        """The query's answer from the summaries as column names and TSV lines, or None when
        they cannot give it (not a summarized query, a fixed parameter at another value, a
        parameter that is not a column, summaries not up to date)."""
        plan = next((p for p in self.plans if p.query.name == query.name), None)
        if plan is not None:
            if not self.refresh(allow_full=False, wait=False):
                return None
            return self._combined(plan, bindings)
        if query.summary not in ("county", "national") or query.name not in self.columns:
            return None
        names = self.columns[query.name]
        fixed = fixed_bindings(query)
        filters: dict[str, str] = {}
        for name, term in bindings.items():
            if name in query.summary_fixed:
                if fixed.get(name) != term:
                    return None
            elif name in names:
                filters[name] = tsv_cell(term)
            else:
                return None
        if query.summary == "national":
            lines = self._national_lines(query, filters)
            return None if lines is None else (names, lines)
        if not self.refresh(allow_full=False, wait=False):
            return None
        return names, self._county_lines(query, filters)

    def answer(self, query: LibraryQuery, bindings: dict[str, Term]) -> ox.QuerySolutions | None:
        """The query's solutions from the summaries (see ``answer_lines``), or None."""
        found = self.answer_lines(query, bindings)
        return None if found is None else solutions(*found)


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
           "national_queries", "solutions", "summaries_for", "summarized_queries"]
