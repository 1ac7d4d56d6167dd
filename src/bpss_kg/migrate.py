"""Move the classification of older data from the standard to its system-table entry.

Data written before memberships (issue 17) put ``bpss:standardKind``, ``bpss:inSubSystem`` and
``bpss:systemNumber`` on the ``bpss:Standard``; they belong to the standard's entry in one
system's table (``bpss:SystemMembership``, docs/model.md "Migrating older data"). ``plan`` finds,
graph by graph, every standard that still carries them and works out the entry
``membership/{county}/{standard-slug}`` of the system it is in (``bpss:inSystem`` in the same
graph, else the system whose ``bpss:hasSubSystem`` is its sub-system). ``apply`` writes each
graph's new content in one replacement: the entry (type, memberOf, memberStandard, the moved
triples, the standard's ``dcterms:source`` / ``bpss:isSynthetic`` as the entry's provenance),
``bpss:inSystem`` where it was missing, and the old triples gone. A standard whose system cannot
be told, that is in two systems of one graph, or whose existing entry holds a different
sub-system or system number is a problem: then nothing at all is written (a kind is added to the
entry's kinds; two kinds are then the ``standard-kind`` finding). A second run finds nothing to
do.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from .editions import EDITIONS_GRAPH
from .namespaces import BPSS, GRAPH, ID, ONTOLOGY_GRAPH, membership
from .store.base import Store

DCT_SOURCE = "http://purl.org/dc/terms/source"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LEGACY = (str(BPSS.standardKind), str(BPSS.inSubSystem), str(BPSS.systemNumber))
_COUNTY_SYSTEM = re.compile("^" + re.escape(str(ID)) + r"system/county/(\d{6})$")
_COUNTY_GRAPH = re.compile("^" + re.escape(str(GRAPH)) + r"county/(\d{6})$")
SKIPPED_GRAPHS = {str(ONTOLOGY_GRAPH), EDITIONS_GRAPH}

_OLD_STYLE = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
SELECT DISTINCT ?g ?standard WHERE {
  GRAPH ?g {
    ?standard ?legacy ?value .
    FILTER(?legacy IN (bpss:standardKind, bpss:inSubSystem, bpss:systemNumber))
    FILTER NOT EXISTS { ?standard a bpss:SystemMembership }
    FILTER NOT EXISTS { ?standard bpss:memberOf ?system }
  }
}
"""
_SYSTEM_OF_SUBSYSTEM = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
SELECT DISTINCT ?sub ?system WHERE { ?system bpss:hasSubSystem ?sub }
"""


@dataclass
class GraphPlan:
    """What migrating one graph changes."""

    graph: str
    standards: int = 0
    entries_created: int = 0
    triples_moved: int = 0
    in_system_added: int = 0
    new_triples: list[ox.Triple] = field(default_factory=list, repr=False)
    old_triples: list[ox.Triple] = field(default_factory=list, repr=False)

    def summary(self) -> dict[str, object]:
        return {"graph": self.graph, "standards": self.standards,
                "entries_created": self.entries_created, "triples_moved": self.triples_moved,
                "in_system_added": self.in_system_added,
                "triples_added": len(self.new_triples), "triples_removed": len(self.old_triples)}


@dataclass
class MigrationPlan:
    graphs: list[GraphPlan]
    problems: list[str]

    @property
    def nothing_to_do(self) -> bool:
        return not self.graphs and not self.problems


def _county_code(system: str, graph: str) -> str | None:
    found = _COUNTY_SYSTEM.match(system) or _COUNTY_GRAPH.match(graph)
    return found.group(1) if found else None


def plan(store: Store) -> MigrationPlan:
    """Find older-style standards per graph and work out what migrating them writes."""
    per_graph: dict[str, list[ox.NamedNode | ox.BlankNode]] = defaultdict(list)
    for row in store.query(_OLD_STYLE, default_graphs=None):  # type: ignore[union-attr]
        graph = row["g"].value
        if graph not in SKIPPED_GRAPHS:
            per_graph[graph].append(row["standard"])
    problems: list[str] = []
    plans = []
    for graph in sorted(per_graph):
        graph_plan = _plan_graph(store, graph, per_graph[graph], problems)
        if graph_plan.new_triples or graph_plan.old_triples:
            plans.append(graph_plan)
    return MigrationPlan(plans, problems)


def _plan_graph(store: Store, graph: str, standards: list,  # type: ignore[type-arg]
                problems: list[str]) -> GraphPlan:
    g = ox.NamedNode(graph)
    result = GraphPlan(graph)
    triples = {(q.subject, q.predicate, q.object) for q in store.quads(g)}
    by_subject: dict[object, list[tuple[ox.NamedNode, object]]] = defaultdict(list)
    for s, p, o in triples:
        by_subject[s].append((p, o))
    for standard in sorted(standards, key=lambda t: t.value):
        where = f"graph <{graph}>, standard <{standard.value}>"
        if not isinstance(standard, ox.NamedNode):
            problems.append(f"{where}: a blank node cannot be given an entry IRI")
            continue
        facts = by_subject[standard]
        systems = {o.value for p, o in facts if p.value == str(BPSS.inSystem)}
        if not systems:
            subs = [o for p, o in facts if p.value == str(BPSS.inSubSystem)]
            for sub in subs:
                systems |= {r["system"].value for r in store.query(  # type: ignore[union-attr]
                    _SYSTEM_OF_SUBSYSTEM, bindings={"sub": sub})}
        if len(systems) != 1:
            problems.append(f"{where}: " + (
                "in no system (no bpss:inSystem, and no system holds its sub-system)"
                if not systems else
                f"in {len(systems)} systems ({', '.join(sorted(systems))}); which one's kind, "
                "sub-system and number these are cannot be told"))
            continue
        system = next(iter(systems))
        code = _county_code(system, graph)
        if code is None:
            problems.append(f"{where}: its system <{system}> is not a county system and the "
                            "graph is not a county graph; entries are minted per county "
                            "(membership/{county}/…)")
            continue
        entry = ox.NamedNode(str(membership(code, standard.value)))
        existing = {(p.value, o) for p, o in by_subject.get(entry, [])}
        moved = [(p, o) for p, o in facts if p.value in LEGACY]
        conflict = False
        for p, o in moved:
            held = {v for q, v in existing if q == p.value}
            if held and o not in held and p.value != str(BPSS.standardKind):
                problems.append(f"{where}: its entry <{entry.value}> already has "
                                f"{p.value.rsplit('#', 1)[1]} {sorted(x.value for x in held)}, "
                                f"the standard says {o.value}")
                conflict = True
        if conflict:
            continue
        result.standards += 1
        new: list[ox.Triple] = []
        if not existing:
            result.entries_created += 1
            new += [ox.Triple(entry, ox.NamedNode(RDF_TYPE),
                              ox.NamedNode(str(BPSS.SystemMembership))),
                    ox.Triple(entry, ox.NamedNode(str(BPSS.memberOf)), ox.NamedNode(system)),
                    ox.Triple(entry, ox.NamedNode(str(BPSS.memberStandard)), standard)]
            # the row's provenance was the standard's
            new += [ox.Triple(entry, p, o) for p, o in facts
                    if p.value in (DCT_SOURCE, str(BPSS.isSynthetic))]
        for p, o in moved:
            result.old_triples.append(ox.Triple(standard, p, o))
            if (p.value, o) not in existing:
                new.append(ox.Triple(entry, p, o))
                result.triples_moved += 1
        if str(BPSS.inSystem) not in {p.value for p, _ in facts}:
            new.append(ox.Triple(standard, ox.NamedNode(str(BPSS.inSystem)),
                                 ox.NamedNode(system)))
            result.in_system_added += 1
        result.new_triples += [t for t in new if (t.subject, t.predicate, t.object) not in triples]
    return result


def apply_graph(store: Store, graph_plan: GraphPlan) -> None:
    """Write one graph's migration: the graph replaced in one update."""
    g = ox.NamedNode(graph_plan.graph)
    old = {(t.subject, t.predicate, t.object) for t in graph_plan.old_triples}
    kept = [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads(g)
            if (q.subject, q.predicate, q.object) not in old]
    store.replace_graph(g, kept + graph_plan.new_triples)


def migrate(store: Store, *, dry_run: bool = False,
            write: Callable[[GraphPlan, Callable[[], None]], None] | None = None
            ) -> MigrationPlan:
    """Plan and, unless ``dry_run`` or a problem, apply the migration graph by graph; ``write``
    runs each graph's write (the CLI passes its write gate, which records the edition)."""
    found = plan(store)
    if dry_run or found.problems:
        return found
    for graph_plan in found.graphs:
        def do(p: GraphPlan = graph_plan) -> None:
            apply_graph(store, p)
        if write is None:
            do()
        else:
            write(graph_plan, do)
    return found
