"""What changed in a county's standard system between two of its editions, in the words of a
标准明细表: standards added, withdrawn and revised (number, title, kind, status, dates), national
items that gained or lost coverage, indicator values that changed.

Both editions are rebuilt from the edition log (``EditionLog.state``) into in-memory stores and
read with the same query, so the diff says what the table said then, not what the store infers
now. A standard's kind, sub-system and system number are read from the standard itself or from
its row of the system table (``bpss:SystemMembership``), whichever the data uses. A standard is
*revised* when a standard of the newer edition ``bpss:supersedes`` one of the older (GB/T
practice: a new edition replaces, 代替, the old); *withdrawn* when it left the table or its status
became withdrawn or superseded; *changed* when a field of its row differs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from .browse.labels import last_segment
from .editions import EditionLog, Lines
from .errors import BadInput, NotFound

_STATUS = "https://w3id.org/bpss-kg/id/concept/standard-status/"
_GONE = {_STATUS + "withdrawn", _STATUS + "superseded"}

_ROWS = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?std ?number ?title ?kind ?subSystem ?systemNumber ?status ?issued ?implemented
       ?supersedes WHERE {
  ?std a bpss:Standard ; bpss:standardNumber ?number .
  { ?std bpss:inSystem ?system } UNION { ?row bpss:memberStandard ?std ; bpss:memberOf ?system }
  OPTIONAL { ?std dcterms:title ?title FILTER(lang(?title) = "zh") }
  OPTIONAL { { ?std bpss:standardKind ?kind } UNION
             { ?row2 bpss:memberStandard ?std ; bpss:standardKind ?kind } }
  OPTIONAL { { ?std bpss:inSubSystem ?subSystem } UNION
             { ?row3 bpss:memberStandard ?std ; bpss:inSubSystem ?subSystem } }
  OPTIONAL { { ?std bpss:systemNumber ?systemNumber } UNION
             { ?row4 bpss:memberStandard ?std ; bpss:systemNumber ?systemNumber } }
  OPTIONAL { ?std bpss:status ?status }
  OPTIONAL { ?std dcterms:issued ?issued }
  OPTIONAL { ?std bpss:implementationDate ?implemented }
  OPTIONAL { ?std bpss:supersedes ?supersedes }
}
"""
_COVERAGE = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
SELECT DISTINCT ?item WHERE {
  ?std bpss:implementsItem ?item .
  FILTER NOT EXISTS { ?std bpss:status ?status FILTER(?status IN (
    <https://w3id.org/bpss-kg/id/concept/standard-status/withdrawn>,
    <https://w3id.org/bpss-kg/id/concept/standard-status/superseded>)) }
}
"""
_VALUES = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
SELECT ?indicator ?year ?value WHERE {
  ?obs a bpss:IndicatorObservation ; bpss:indicator ?indicator ; bpss:refYear ?year ;
       bpss:observedValue ?value .
}
"""

FIELDS = ("title", "kind", "subSystem", "systemNumber", "status", "issued", "implemented")


@dataclass(frozen=True)
class Row:
    """One standard of the system table as an edition states it (IRIs and lexical forms)."""

    iri: str
    number: str
    values: dict[str, str]
    supersedes: frozenset[str]

    @property
    def gone(self) -> bool:
        return self.values.get("status", "") in _GONE


@dataclass(frozen=True)
class SystemState:
    rows: dict[str, Row]  # by standard IRI
    covered: frozenset[str]  # national (or local) items with a standard in force
    values: dict[tuple[str, str], str]  # (indicator, year) → observed value


@dataclass
class SystemDiff:
    added: list[Row] = field(default_factory=list)
    withdrawn: list[Row] = field(default_factory=list)
    revised: list[tuple[Row, Row]] = field(default_factory=list)  # (old, new)
    changed: list[tuple[Row, dict[str, tuple[str, str]]]] = field(default_factory=list)
    items_gained: list[str] = field(default_factory=list)
    items_lost: list[str] = field(default_factory=list)
    values_changed: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.withdrawn or self.revised or self.changed
                    or self.items_gained or self.items_lost or self.values_changed)


def _text(term: object) -> str:
    return "" if term is None else str(getattr(term, "value", term))


def system_state(lines: Lines) -> SystemState:
    """Read a county graph's edition (N-Triples lines) as a system table."""
    db = ox.Store()
    if lines:
        db.load(b"\n".join(lines) + b"\n", ox.RdfFormat.N_TRIPLES)
    rows: dict[str, Row] = {}
    for sol in db.query(_ROWS):
        iri = sol["std"].value
        values = {f: _text(sol[f]) for f in FIELDS}
        old = rows.get(iri)
        if old is not None:  # several values of a field: keep them all, sorted, joined
            values = {f: " / ".join(sorted({*old.values[f].split(" / "), values[f]} - {""}))
                      for f in FIELDS}
        supersedes = frozenset({*(old.supersedes if old else ()), _text(sol["supersedes"])}
                               - {""})
        rows[iri] = Row(iri, sol["number"].value, values, supersedes)
    covered = frozenset(sol["item"].value for sol in db.query(_COVERAGE))
    values = {(sol["indicator"].value, sol["year"].value): sol["value"].value
              for sol in db.query(_VALUES)}
    return SystemState(rows, covered, values)


def diff_states(old: SystemState, new: SystemState) -> SystemDiff:
    """What the newer edition's table says differently from the older one's."""
    diff = SystemDiff()
    replaced: set[str] = set()
    for iri, row in sorted(new.rows.items(), key=lambda kv: kv[1].number):
        if iri in old.rows:
            continue
        predecessors = [old.rows[p] for p in sorted(row.supersedes) if p in old.rows]
        for predecessor in predecessors:
            diff.revised.append((predecessor, row))
            replaced.add(predecessor.iri)
        if not predecessors:
            diff.added.append(row)
    for iri, row in sorted(old.rows.items(), key=lambda kv: kv[1].number):
        if iri in replaced:
            continue
        now = new.rows.get(iri)
        if now is None or (now.gone and not row.gone):
            diff.withdrawn.append(row if now is None else now)  # as the table states it now
            continue
        fields = {f: (row.values[f], now.values[f]) for f in FIELDS
                  if row.values[f] != now.values[f]}
        if fields:
            diff.changed.append((now, fields))
    diff.items_gained = sorted(new.covered - old.covered)
    diff.items_lost = sorted(old.covered - new.covered)
    for key in sorted(old.values.keys() | new.values.keys()):
        before, after = old.values.get(key), new.values.get(key)
        if before != after:
            diff.values_changed.append((key[0], key[1], before, after))
    return diff


def diff_editions(old_lines: Lines, new_lines: Lines) -> SystemDiff:
    return diff_states(system_state(old_lines), system_state(new_lines))


def edition_pair(log: EditionLog, graph: str, what: str, from_n: int | None,
                 to_n: int | None) -> tuple[int, int, SystemDiff]:
    """The diff of ``graph`` between editions ``from_n`` (default: the one before ``to_n``;
    0: empty) and ``to_n`` (default: the newest); ``what`` names the graph in errors."""
    newest = log.newest(graph)
    if newest is None:
        raise NotFound(f"no editions of {what} (writes are recorded from the first write "
                       "through bpss-kg on)")
    to_n = newest if to_n is None else to_n
    from_n = max(to_n - 1, 0) if from_n is None else from_n
    for name, n in (("to", to_n), ("from", from_n)):
        if not 0 <= n <= newest:
            raise BadInput(f"{name} {n}: {what} has editions 1 to {newest}")
    if from_n > to_n:
        raise BadInput(f"from {from_n} is newer than to {to_n}")
    return from_n, to_n, diff_editions(log.state(graph, from_n), log.state(graph, to_n))


_LABELS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?s ?label WHERE {
  GRAPH ?g { ?s rdfs:label|skos:prefLabel ?label } FILTER(lang(?label) = "zh")
}
LIMIT 1
"""


def label_book(store: object, diff: SystemDiff) -> dict[str, str]:
    """Chinese labels, from ``store``, of the concepts, items and indicators a diff names."""
    iris: set[str] = set(diff.items_gained) | set(diff.items_lost)
    iris |= {v[0] for v in diff.values_changed}
    rows = [*diff.added, *diff.withdrawn, *(r for pair in diff.revised for r in pair),
            *(r for r, _ in diff.changed)]
    for row in rows:
        iris |= {row.values[f] for f in ("kind", "subSystem", "status") if row.values[f]}
    for _, fields in diff.changed:
        for f in ("kind", "subSystem", "status"):
            if f in fields:
                iris |= set(fields[f]) - {""}
    labels: dict[str, str] = {}
    for iri in iris:
        for part in iri.split(" / "):
            if not part.startswith("http"):
                continue
            found = list(store.query(_LABELS, bindings={"s": ox.NamedNode(part)}))  # type: ignore[attr-defined]
            labels[part] = found[0]["label"].value if found else last_segment(part)
    return labels


_HEADINGS = {
    "title": "标题 title", "kind": "类别 kind", "subSystem": "子体系 sub-system",
    "systemNumber": "体系编号 no.", "status": "状态 status", "issued": "发布 issued",
    "implemented": "实施 implemented",
}


def _name(value: str, labels: dict[str, str]) -> str:
    return " / ".join(labels.get(v, v) for v in value.split(" / ")) if value else "—"


def _row_text(row: Row, labels: dict[str, str]) -> str:
    parts = [row.number, row.values["title"] or "—",
             *(_name(row.values[f], labels) for f in ("kind", "subSystem")),
             row.values["systemNumber"] or "—", _name(row.values["status"], labels),
             f"发布 {row.values['issued'] or '—'}", f"实施 {row.values['implemented'] or '—'}"]
    return " · ".join(parts)


def report_sections(diff: SystemDiff, labels: dict[str, str]) -> list[tuple[str, list[str]]]:
    """The diff's non-empty sections, headed as in a 标准明细表 (Chinese with English)."""
    sections = [
        ("新增标准 standards added", [_row_text(r, labels) for r in diff.added]),
        ("废止标准 standards withdrawn", [_row_text(r, labels) for r in diff.withdrawn]),
        ("修订标准 standards revised (代替)",
         [f"{new.number} 代替 {old.number}: {_row_text(new, labels)}"
          for old, new in diff.revised]),
        ("变更的标准 standards changed", [
            f"{row.number}: " + "; ".join(
                f"{_HEADINGS[f]} {_name(a, labels)} → {_name(b, labels)}"
                for f, (a, b) in fields.items())
            for row, fields in diff.changed]),
        ("新覆盖的项目 items newly covered", [labels.get(i, i) for i in diff.items_gained]),
        ("不再覆盖的项目 items no longer covered", [labels.get(i, i) for i in diff.items_lost]),
        ("指标值变化 indicator values changed", [
            f"{labels.get(ind, ind)} {year}: {before or '—'} → {after or '—'}"
            for ind, year, before, after in diff.values_changed]),
    ]
    return [(title, entries) for title, entries in sections if entries]


SAME_TABLE = "两个版本的明细表相同 the two editions state the same table"


def report_lines(diff: SystemDiff, labels: dict[str, str]) -> list[str]:
    """The diff as lines of text (``report_sections`` with counts)."""
    lines: list[str] = []
    for title, entries in report_sections(diff, labels):
        lines.append(f"{title} ({len(entries)})")
        lines.extend(f"  {e}" for e in entries)
    return lines or [SAME_TABLE]


def diff_to_dict(diff: SystemDiff, labels: dict[str, str]) -> dict[str, object]:
    def row(r: Row) -> dict[str, object]:
        return {"iri": r.iri, "number": r.number,
                **{f: (_name(r.values[f], labels) if f in ("kind", "subSystem", "status")
                       else r.values[f]) for f in FIELDS}}

    return {
        "added": [row(r) for r in diff.added],
        "withdrawn": [row(r) for r in diff.withdrawn],
        "revised": [{"old": row(a), "new": row(b)} for a, b in diff.revised],
        "changed": [{"standard": row(r), "fields": {f: {"from": _name(a, labels),
                                                        "to": _name(b, labels)}
                                                    for f, (a, b) in fields.items()}}
                    for r, fields in diff.changed],
        "items_gained": [{"iri": i, "label": labels.get(i, i)} for i in diff.items_gained],
        "items_lost": [{"iri": i, "label": labels.get(i, i)} for i in diff.items_lost],
        "values_changed": [{"indicator": ind, "label": labels.get(ind, ind), "year": year,
                            "from": before, "to": after}
                           for ind, year, before, after in diff.values_changed],
    }
