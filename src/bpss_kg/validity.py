"""The dataset as it was in force on a date (validity time, issue 18): ``--as-of DATE``.

Two time axes are kept apart. *System time* is when the store learnt something: the editions
(``editions.py``, ``bpss-kg history`` / ``diff``). *Validity time* is when a standard, a
membership of a system, a baseline or an agreement is in force; it lives in the data (dates
from the 标准明细表) and this module derives from it a private in-memory copy of the dataset
"as in force on D", on which any query runs unchanged. The stored data is never touched.

Rules, applied to the copy in this order (D = the as-of date):

1. **Status on D** of every standard that has one (``bpss:status``), from its dates:
   withdrawn if ``bpss:withdrawalDate`` ≤ D; else superseded if a standard that supersedes it
   (``bpss:supersedes`` or the inverse ``bpss:replacedBy``) applies by D (its implementation
   date, else its issue date); else 已发布待实施 (``standard-status/issued``) if its
   implementation date is after D; else in force if it is stored as withdrawn or superseded
   but the dated event that ended it lies after D. Everything else keeps its stored status:
   where the date that would change it is missing (a withdrawn standard without
   ``withdrawalDate``, an undated replacement, ``under-review``, ``draft``, ``planned``) the
   copy cannot know better, and says nothing it was not told.
2. **Not there yet on D** — removed with every triple that names them: standards issued after D
   (``dcterms:issued``), amendments applying after D (``bpss:amendmentDate``), memberships of a
   system that start after D (``bpss:memberSince``, together with the standard's ``inSystem``
   shortcut to that system), indicator observations of years after D's year
   (``bpss:refYear``), national baselines valid from a later year (``bpss:validFromYear``),
   coordination agreements valid from a date after D (``bpss:validFrom``). A review dated after
   D (``bpss:lastReviewDate``) is removed too, so "due for review on D" is judged on D.

Stored validation runs and the editions record describe system time and are left out of the
copy. With ``county`` given only the national layer, the ontology and that county's graph are
copied (the library's county queries read nothing else), which keeps a county question cheap
even on a national store; see docs/performance.md ("As of a date").
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import pyoxigraph as ox

from .errors import BadInput, Location
from .namespaces import COUNTY_PREFIX, GRAPH, ID
from .store.base import Store

BPSS = "https://w3id.org/bpss-kg/def#"
DCT = "http://purl.org/dc/terms/"
STATUS = f"{ID}concept/standard-status/"
IN_FORCE, ISSUED = ox.NamedNode(STATUS + "in-force"), ox.NamedNode(STATUS + "issued")
WITHDRAWN, SUPERSEDED = ox.NamedNode(STATUS + "withdrawn"), ox.NamedNode(STATUS + "superseded")
STATUS_PREDICATE = ox.NamedNode(BPSS + "status")
IN_SYSTEM = ox.NamedNode(BPSS + "inSystem")
LEFT_OUT = (str(GRAPH["validation/"]), str(GRAPH["editions"]))
XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
PREFIXES = (f"PREFIX bpss: <{BPSS}>\nPREFIX dcterms: <{DCT}>\n"
            "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n")

_STANDARD_DATES = PREFIXES + """
SELECT ?g ?s ?status ?withdrawn ?applies ?endedOn ?asOf WHERE {
  GRAPH ?g { ?s bpss:status ?status }
  OPTIONAL { SELECT ?s (MIN(?w) AS ?withdrawn) WHERE { GRAPH ?gw { ?s bpss:withdrawalDate ?w } }
             GROUP BY ?s }
  OPTIONAL { SELECT ?s (MIN(?i) AS ?applies) WHERE { GRAPH ?gi { ?s bpss:implementationDate ?i } }
             GROUP BY ?s }
  OPTIONAL {
    SELECT ?s (MIN(?d) AS ?endedOn) WHERE {
      GRAPH ?gr { { ?t bpss:supersedes ?s } UNION { ?s bpss:replacedBy ?t } }
      OPTIONAL { GRAPH ?gt { ?t bpss:implementationDate ?ti } }
      OPTIONAL { GRAPH ?gu { ?t dcterms:issued ?tu } }
      BIND(COALESCE(?ti, ?tu) AS ?d)
    } GROUP BY ?s
  }
}"""

# Things that do not exist yet on D: (query projecting ?x, what it finds). ?asOf is bound.
_NOT_YET = {
    "standards issued after D and their table rows": PREFIXES + """
SELECT DISTINCT ?x ?asOf WHERE {
  { GRAPH ?g { ?x dcterms:issued ?d ; a bpss:Standard } FILTER(?d > ?asOf) }
  UNION  # and the table rows that list them
  { GRAPH ?g { ?s dcterms:issued ?d ; a bpss:Standard } FILTER(?d > ?asOf)
    GRAPH ?gm { ?x bpss:memberStandard ?s } }
}""",
    "amendments applying after D": PREFIXES + """
SELECT DISTINCT ?x ?asOf WHERE { GRAPH ?g { ?x bpss:amendmentDate ?d } FILTER(?d > ?asOf) }""",
    "observations of later years": PREFIXES + """
SELECT DISTINCT ?x ?asOf WHERE { GRAPH ?g { ?x bpss:refYear ?y }
  FILTER(xsd:integer(SUBSTR(STR(?y), 1, 4)) > YEAR(?asOf)) }""",
    "baselines valid from a later year": PREFIXES + """
SELECT DISTINCT ?x ?asOf WHERE { GRAPH ?g { ?x bpss:validFromYear ?y }
  FILTER(xsd:integer(SUBSTR(STR(?y), 1, 4)) > YEAR(?asOf)) }""",
    "agreements valid from a later date": PREFIXES + """
SELECT DISTINCT ?x ?asOf WHERE { GRAPH ?g { ?x bpss:validFrom ?d } FILTER(?d > ?asOf) }""",
}
_LATE_MEMBERSHIPS = PREFIXES + """
SELECT ?g ?m ?standard ?system ?asOf WHERE {
  GRAPH ?g { ?m bpss:memberSince ?d FILTER(?d > ?asOf)
             OPTIONAL { ?m bpss:memberStandard ?standard } OPTIONAL { ?m bpss:memberOf ?system } }
}"""
_LATE_REVIEWS = PREFIXES + """
SELECT ?g ?s ?d ?asOf WHERE { GRAPH ?g { ?s bpss:lastReviewDate ?d } FILTER(?d > ?asOf) }"""


def parse_as_of(raw: str, *, where: str = "--as-of") -> date:
    """An ISO date (``2022-06-30``) or ``BadInput`` naming the flag or parameter."""
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise BadInput(f"{where} expects a date as YYYY-MM-DD, not {raw!r}",
                       Location(value=raw)) from None


@dataclass
class AsOfReport:
    """What the copy changed, for ``--verbose`` output and tests."""

    day: date
    graphs: int = 0
    statuses: dict[str, int] = field(default_factory=dict)  # new status slug → standards
    removed: dict[str, int] = field(default_factory=dict)  # rule → resources

    def lines(self) -> list[str]:
        out = [f"as of {self.day.isoformat()}: {self.graphs} graph(s) copied"]
        out += [f"  status → {slug}: {n}" for slug, n in sorted(self.statuses.items())]
        out += [f"  left out, {rule}: {n}" for rule, n in self.removed.items() if n]
        return out


def graphs_for(names: Iterable[ox.NamedNode | ox.BlankNode | ox.DefaultGraph],
               county: str | None) -> list[ox.NamedNode]:
    """The named graphs the copy needs: all but run reports and editions; with ``county``,
    only that county's graph among the county graphs."""
    keep = []
    for g in names:
        if not isinstance(g, ox.NamedNode) or g.value.startswith(LEFT_OUT):
            continue
        if county and g.value.startswith(COUNTY_PREFIX) and g.value != COUNTY_PREFIX + county:
            continue
        keep.append(g)
    return sorted(keep, key=lambda g: g.value)


def _date_of(term: ox.Literal | None) -> date | None:
    if term is None:
        return None
    try:
        return date.fromisoformat(term.value[:10])
    except ValueError:  # an ill-typed date: say nothing from it
        return None


def status_on(day: date, stored: ox.NamedNode, *, withdrawn: date | None, applies: date | None,
              ended_on: date | None) -> ox.NamedNode:
    """Rule 1 of the module docstring for one standard."""
    if withdrawn is not None and withdrawn <= day:
        return WITHDRAWN
    if ended_on is not None and ended_on <= day:
        return SUPERSEDED
    if applies is not None and applies > day:
        return ISSUED
    if stored == WITHDRAWN and withdrawn is not None:
        return IN_FORCE  # withdrawn only after D
    if stored == SUPERSEDED and ended_on is not None:
        return IN_FORCE  # superseded only after D
    return stored


def _values(terms: Iterable[ox.NamedNode]) -> str:
    return " ".join(str(t) for t in terms)  # N-Triples form of IRIs read from the store


def _remove_resources(view: ox.Store, resources: list[ox.NamedNode]) -> None:
    """Every quad naming one of ``resources`` as subject or object."""
    for start in range(0, len(resources), 500):
        chunk = _values(resources[start:start + 500])
        view.update(f"DELETE {{ GRAPH ?g {{ ?x ?p ?o }} }} WHERE {{ VALUES ?x {{ {chunk} }} "
                    f"GRAPH ?g {{ ?x ?p ?o }} }} ;\n"
                    f"DELETE {{ GRAPH ?g {{ ?s ?p ?x }} }} WHERE {{ VALUES ?x {{ {chunk} }} "
                    f"GRAPH ?g {{ ?s ?p ?x }} }}")


def apply_as_of(view: ox.Store, day: date) -> AsOfReport:
    """Turn ``view`` (a private in-memory copy) into the dataset as in force on ``day``."""
    report = AsOfReport(day)
    report.graphs = sum(1 for _ in view.named_graphs())
    as_of = ox.Literal(day.isoformat(), datatype=XSD_DATE)
    bound = {ox.Variable("asOf"): as_of}

    changes: list[tuple[ox.Quad, ox.Quad]] = []
    for row in view.query(_STANDARD_DATES, substitutions=bound):
        stored = row["status"]
        if not isinstance(stored, ox.NamedNode) or not isinstance(row["s"], ox.NamedNode):
            continue
        new = status_on(day, stored, withdrawn=_date_of(row["withdrawn"]),
                        applies=_date_of(row["applies"]), ended_on=_date_of(row["endedOn"]))
        if new != stored:
            graph = row["g"]
            changes.append((ox.Quad(row["s"], STATUS_PREDICATE, stored, graph),
                            ox.Quad(row["s"], STATUS_PREDICATE, new, graph)))
            slug = new.value.rsplit("/", 1)[1]
            report.statuses[slug] = report.statuses.get(slug, 0) + 1
    for old, new in changes:
        view.remove(old)
        view.add(new)

    for rule, text in _NOT_YET.items():
        found = [r["x"] for r in view.query(text, substitutions=bound)
                 if isinstance(r["x"], ox.NamedNode)]
        report.removed[rule] = len(found)
        _remove_resources(view, found)

    late = list(view.query(_LATE_MEMBERSHIPS, substitutions=bound))
    report.removed["memberships starting after D"] = len(late)
    for row in late:
        if isinstance(row["standard"], ox.NamedNode) and isinstance(row["system"], ox.NamedNode):
            view.remove(ox.Quad(row["standard"], IN_SYSTEM, row["system"], row["g"]))
    _remove_resources(view, [r["m"] for r in late if isinstance(r["m"], ox.NamedNode)])

    reviews = list(view.query(_LATE_REVIEWS, substitutions=bound))
    report.removed["reviews after D"] = len(reviews)
    for row in reviews:
        view.remove(ox.Quad(row["s"], ox.NamedNode(BPSS + "lastReviewDate"), row["d"], row["g"]))
    return report


def _graph_bytes(source: Store | ox.Store, graph: ox.NamedNode) -> bytes:
    if isinstance(source, ox.Store):  # a query worker's read-only checkpoint
        return source.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b""
    buffer = io.BytesIO()
    source.dump(buffer, ox.RdfFormat.N_TRIPLES, graph)
    return buffer.getvalue()


def view_as_of(source: Store | ox.Store, day: date, *,
               county: str | None = None) -> tuple[ox.Store, AsOfReport]:
    """A private in-memory copy of ``source`` (a store, or a worker's raw checkpoint) as in
    force on ``day``; with ``county``, only the graphs a question about that county reads."""
    view = ox.Store()
    for graph in graphs_for(source.named_graphs(), county):
        data = _graph_bytes(source, graph)
        if data:
            view.bulk_load(data, ox.RdfFormat.N_TRIPLES, to_graph=graph)
    return view, apply_as_of(view, day)
