"""Validation runs: which data each unit (a county, the national layer, a file) is validated on,
which engine runs, and where the report is stored.

A unit's data graph is its own graph plus the national layer and the ontology (plus a small
context graph holding the as-of date), never other counties: every engine sees exactly that,
so findings do not depend on what else happens to be in the store. Focus nodes are the IRIs
that are subjects in the unit's own graph.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from ..errors import BadInput, NotFound
from ..loading import national_sources, ontology_sources, source_for_file
from ..namespaces import (
    BPSS,
    COUNTY_PREFIX,
    GRAPH,
    NATIONAL_GRAPH,
    ONTOLOGY_GRAPH,
    VALIDATION_PREFIX,
)
from ..processes import chunked_map
from ..rdf_terms import ill_typed_literals, rdflib_graph
from ..store import OxigraphStore, Store
from ..store.oxigraph import parse_sources
from .compiled import Check, CompiledShapes, compile_shapes, root_shape
from .findings import Finding
from .reference import validate_with_pyshacl
from .shapes import Shapes, load_shapes

CONTEXT_GRAPH = GRAPH["validation/context"]
CONTEXT_NODE = "https://w3id.org/bpss-kg/id/validation/context"
UNIT_TOKEN = "<urn:bpss-kg:unit-graph>"
SCOPE = f"{{ SELECT DISTINCT ?this WHERE {{ GRAPH {UNIT_TOKEN} {{ ?this ?scope_p ?scope_o }} " \
        "FILTER(isIRI(?this)) } }"
SCOPE_SUBJECTS = f"SELECT DISTINCT ?this WHERE {{ GRAPH {UNIT_TOKEN} {{ ?this ?scope_p " \
                 "?scope_o } FILTER(isIRI(?this)) }"
SCOPE_VALUES_MAX = 2_000  # subjects; a larger unit (the national layer) keeps the subquery
KEEP_RUNS = 10
PARALLEL_FROM = 40  # units; below this, starting worker processes costs more than it saves
IN_MEMORY_FROM = 4  # units; below this, copying the shared layer costs more than it saves
DEFAULT_WORKERS = max(1, min(4, os.cpu_count() or 1))


def _run_chunk(args: tuple[str, list[Check], list[Unit]]) -> list[Finding]:
    """Worker process: validate some units from a read-only snapshot of the store."""
    path, checks, units = args
    snapshot = OxigraphStore.open_snapshot(Path(path))
    return run_units_in_memory(snapshot, checks, units)


SHARED_GRAPHS = (str(NATIONAL_GRAPH), str(ONTOLOGY_GRAPH), str(CONTEXT_GRAPH))


def run_units_in_memory(store: Store, checks: list[Check], units: list[Unit]) -> list[Finding]:
    """Run the compiled checks for each unit on a small in-memory copy of exactly its data.

    The shared layer (national, ontology, context) is copied once; each unit's own graph is
    copied in, checked and removed again. The queries and the dataset they see are the same as
    on the store itself (one graph per unit plus the shared layer), so the findings are too;
    but every lookup now hits a store of some 30,000 quads in memory instead of the national
    store on disk, which makes each check several times cheaper.
    """
    work = OxigraphStore(None)
    db = work._db  # the raw store: no journal, no locks needed for a private copy
    for name in SHARED_GRAPHS:
        work.copy_graph_from(store, ox.NamedNode(name))
    findings: list[Finding] = []
    for unit in units:
        graph = ox.NamedNode(unit.graph)
        shared = unit.graph in SHARED_GRAPHS
        if not shared:
            work.copy_graph_from(store, graph)
        try:
            findings += run_checks(work, checks, unit, whole_store=True)
        finally:
            if not shared:
                db.remove_graph(graph)
    return findings


def _run_parallel(path: Path, checks: list[Check], units: list[Unit],
                  workers: int) -> list[Finding]:
    chunks = [units[i::workers * 4] for i in range(workers * 4)]
    parts = chunked_map(_run_chunk, [(str(path), checks, chunk) for chunk in chunks if chunk],
                        workers)
    return [finding for part in parts for finding in part]


@dataclass(frozen=True)
class Unit:
    name: str  # county code, "national", or a file's graph name
    graph: str  # IRI of the unit's own graph


@dataclass
class ValidationRun:
    findings: list[Finding]
    units: list[Unit]
    shapes: Shapes
    as_of: date
    engine: str
    run_id: str = ""
    graph_hashes: dict[str, str] = field(default_factory=dict)
    skipped_unchanged: list[str] = field(default_factory=list)
    change_sequence: int | None = None
    warnings: list[str] = field(default_factory=list)
    """One line per ill-typed literal in the files (they are data, not a crash)."""

    @property
    def conforms(self) -> bool:
        return not self.findings


def _unit_name(graph: str) -> str:
    if graph.startswith(COUNTY_PREFIX):
        return graph[len(COUNTY_PREFIX):]
    if graph == str(NATIONAL_GRAPH):
        return "national"
    return graph


def graph_hash(store: Store, graph: str) -> str:
    """A content hash of one graph (sorted canonical N-Quads lines)."""
    lines = sorted(str(q) for q in store.quads(ox.NamedNode(graph)))
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:20]


def _write_context(store: Store, as_of: date) -> None:
    store.update(
        f"DROP SILENT GRAPH <{CONTEXT_GRAPH}> ;\n"
        f"INSERT DATA {{ GRAPH <{CONTEXT_GRAPH}> {{ <{CONTEXT_NODE}> <{BPSS.asOfDate}> "
        f"\"{as_of.isoformat()}\"^^<{XSD.date}> }} }}")


def _substitute(messages: tuple[tuple[str, str], ...], solution: ox.QuerySolution,
                names: list[str]) -> tuple[tuple[str, str], ...]:
    out = []
    for lang, text in messages:
        for name in names:
            term = solution[name]
            if term is not None:
                text = text.replace(f"{{?{name}}}", term.value).replace(f"{{${name}}}", term.value)
        out.append((lang, text))
    return tuple(out)


def run_checks(store: Store, checks: list[Check], unit: Unit,
               whole_store: bool = False) -> list[Finding]:
    """Run compiled checks for one unit on the store; ``whole_store`` when the store holds
    nothing but the unit's dataset (its graph and the shared layer), so the union default
    graph is that dataset."""
    default = None if whole_store else [
        ox.NamedNode(unit.graph), ox.NamedNode(str(NATIONAL_GRAPH)),
        ox.NamedNode(str(ONTOLOGY_GRAPH)), ox.NamedNode(str(CONTEXT_GRAPH))]
    findings = []
    unit_iri = f"<{unit.graph}>"
    scope = _unit_scope(store, unit_iri, default)
    for check in checks:  # focus nodes are a set: one finding per check, focus and value
        found: set[Finding] = set()
        for result in _results(store, check, unit_iri, default, scope):
            found.update(_findings_of(check, result, unit))
        findings += found
    return sorted(findings)


def _unit_scope(store: Store, unit_iri: str, default: list | None) -> str | None:  # type: ignore[type-arg]
    """The unit's subjects as a VALUES block that stands for ``SCOPE`` in every check: they are
    read once per unit instead of once per check (every check used to scan the unit's graph
    again). None for a unit with too many subjects for a query text."""
    rows = store.query(SCOPE_SUBJECTS.replace(UNIT_TOKEN, unit_iri), default_graphs=default)
    subjects = [str(row["this"]) for row in rows]  # type: ignore[union-attr]
    if len(subjects) > SCOPE_VALUES_MAX:
        return None
    return "{ VALUES ?this { " + " ".join(subjects) + " } }"


def _results(store: Store, check: Check, unit_iri: str, default: list | None,  # type: ignore[type-arg]
             scope: str | None = None) -> list:  # type: ignore[type-arg]
    def text(query: str) -> str:
        if scope is not None:
            query = query.replace(SCOPE, scope)
        return query.replace(UNIT_TOKEN, unit_iri)

    query = text(check.query)
    if check.prebind is None:
        return [store.query(query, default_graphs=default)]
    focus = store.query(text(check.prebind), default_graphs=default)
    return [store.query(query, default_graphs=default, bindings={"this": s["this"]})
            for s in focus]  # type: ignore[union-attr]


def _findings_of(check: Check, result: object, unit: Unit) -> list[Finding]:
    findings = []
    names = [v.value for v in result.variables]  # type: ignore[attr-defined]
    for solution in result:  # type: ignore[attr-defined]
        this = solution["this"]
        if this is None:
            continue
        value = solution["value"] if "value" in names else None
        path = solution["path"] if "path" in names else None
        if value is None and check.value_is_focus:
            value = this
        findings.append(Finding(
            focus=str(this), shape=check.shape, component=check.component,
            path=str(path) if path is not None else check.path,
            value=str(value) if value is not None else None,
            severity=check.severity,
            messages=_substitute(check.messages, solution, names),
            unit=unit.name, constraint=check.constraint))
    return findings


def _rdflib_graph(store: Store, graphs: list[str]) -> Graph:
    """The graphs' triples for pySHACL, every literal as written (see rdf_terms)."""
    graph = Graph()
    for name in graphs:
        rdflib_graph(store.quads(ox.NamedNode(name)), graph)
    return graph


def _focus_nodes(store: Store, unit: Unit) -> list[URIRef]:
    return sorted({URIRef(q.subject.value) for q in store.quads(ox.NamedNode(unit.graph))
                   if isinstance(q.subject, ox.NamedNode)})


def run_pyshacl(store: Store, shapes: Shapes, unit: Unit, base: Graph,
                use_shapes: list | None = None) -> list[Finding]:
    """pySHACL on the unit's data graph (all shapes, or ``use_shapes`` only)."""
    data = Graph()
    for triple in base:
        data.add(triple)
    for triple in _rdflib_graph(store, [unit.graph]):
        data.add(triple)
    shapes_graph = shapes.graph
    findings = validate_with_pyshacl(data, shapes_graph, _focus_nodes(store, unit), unit.name)
    if use_shapes is None:
        return findings
    return only_from(shapes_graph, findings, use_shapes)


def only_from(shapes_graph: Graph, findings: list[Finding], shapes: list) -> list[Finding]:  # type: ignore[type-arg]
    """The findings whose source shape belongs to one of ``shapes``."""
    from .findings import _term

    wanted = set(shapes)
    return [f for f in findings if root_shape(shapes_graph, _term(f.shape)) in wanted]


def units_of(store: Store, county: str | None = None, include_national: bool = True) -> list[Unit]:
    graphs = [g.value for g in store.named_graphs()]
    if county is not None:
        wanted = str(GRAPH[f"county/{county}"])
        if wanted not in graphs:
            raise NotFound(f"no county graph for {county} in the store")
        return [Unit(county, wanted)]
    units = [Unit(_unit_name(g), g) for g in graphs if g.startswith(COUNTY_PREFIX)]
    if include_national and str(NATIONAL_GRAPH) in graphs:
        units.append(Unit("national", str(NATIONAL_GRAPH)))
    return units


def validate_units(store: Store, units: list[Unit], shapes: Shapes, as_of: date,
                   engine: str = "sparql", workers: int = DEFAULT_WORKERS) -> list[Finding]:
    """Findings for the given units of a store whose context graph holds ``as_of``."""
    if engine not in ("sparql", "pyshacl"):
        raise BadInput(f"unknown engine {engine!r}; expected sparql or pyshacl")
    findings: list[Finding] = []
    compiled = compiled_checks(store, shapes, units) if engine == "sparql" else None
    base: Graph | None = None
    if engine == "pyshacl" or (compiled and compiled.fallback):
        base = _rdflib_graph(store, [str(NATIONAL_GRAPH), str(ONTOLOGY_GRAPH),
                                     str(CONTEXT_GRAPH)])
    snapshot = getattr(store, "snapshot", None)
    if compiled is not None and not compiled.fallback and len(units) >= PARALLEL_FROM \
            and workers > 1 and callable(snapshot):
        path = snapshot()
        if path is not None:
            try:
                return sorted(_run_parallel(path, compiled.checks, units, workers))
            finally:
                shutil.rmtree(path, ignore_errors=True)
    in_memory = isinstance(store, OxigraphStore) and len(units) >= IN_MEMORY_FROM
    if compiled is not None and in_memory:
        findings += run_units_in_memory(store, compiled.checks, units)
    for unit in units:
        if compiled is not None:
            if not in_memory:
                findings += run_checks(store, compiled.checks, unit)
            if compiled.fallback:
                assert base is not None
                findings += run_pyshacl(store, shapes, unit, base, compiled.fallback)
        else:
            assert base is not None
            findings += run_pyshacl(store, shapes, unit, base)
    return sorted(findings)


_COMPILER_DIGEST = hashlib.sha256(
    Path(__file__).with_name("compiled.py").read_bytes() + SCOPE.encode()).hexdigest()[:16]
_compiled_memo: dict[str, CompiledShapes] = {}


def compiled_checks(store: Store, shapes: Shapes, units: list[Unit]) -> CompiledShapes:
    """The shapes compiled for this store's class hierarchy, cached by content: in the process,
    and beside an embedded store (``cache/compiled-KEY.json``) so that a one-county run does
    not pay for compiling again (compiling parses every SPARQL constraint, ~0.4 s)."""
    closure = class_closure(store, units)
    key = hashlib.sha256(json.dumps(
        [shapes.digest, _COMPILER_DIGEST,
         sorted((k, sorted(v)) for k, v in closure.items()) if closure is not None else None],
    ).encode()).hexdigest()[:24]
    if key in _compiled_memo:
        return _compiled_memo[key]
    root = getattr(store, "path", None)
    cache = root / "cache" / f"compiled-{key}.json" if isinstance(root, Path) else None
    compiled: CompiledShapes | None = None
    if cache is not None and cache.is_file():
        try:
            compiled = CompiledShapes(checks=[
                Check(**{**c, "messages": tuple(tuple(m) for m in c["messages"])})
                for c in json.loads(cache.read_text(encoding="utf-8"))])
        except (ValueError, TypeError, KeyError):
            compiled = None  # a damaged cache file is simply rebuilt
    if compiled is None:
        compiled = compile_shapes(shapes.graph, SCOPE, closure)
        if cache is not None and not compiled.fallback and not getattr(store, "read_only", 1):
            with contextlib.suppress(OSError):
                cache.parent.mkdir(exist_ok=True)
                temporary = cache.with_suffix(".tmp")
                temporary.write_text(json.dumps([asdict(c) for c in compiled.checks]),
                                     encoding="utf-8")
                os.replace(temporary, cache)
    _compiled_memo[key] = compiled
    return compiled


# Direct axioms only; the closure is computed here (Virtuoso refuses a transitive path with
# neither end bound: "transitive start not given").
SUBCLASSES = """
SELECT ?super ?sub WHERE { ?sub <http://www.w3.org/2000/01/rdf-schema#subClassOf> ?super }
"""
UNIT_SUBCLASS_AXIOMS = """
ASK { GRAPH ?g { ?s <http://www.w3.org/2000/01/rdf-schema#subClassOf> ?o }
      FILTER(?g != <%s> && ?g != <%s>) }
"""


def class_closure(store: Store, units: list[Unit]) -> dict[str, set[str]] | None:
    """Subclasses per class, from the ontology and national layer; None when some other graph
    declares subclasses of its own (then targets search the hierarchy per unit)."""
    shared = [ox.NamedNode(str(ONTOLOGY_GRAPH)), ox.NamedNode(str(NATIONAL_GRAPH))]
    if bool(store.query(UNIT_SUBCLASS_AXIOMS % (ONTOLOGY_GRAPH, NATIONAL_GRAPH))):
        return None
    direct: dict[str, set[str]] = {}
    for solution in store.query(SUBCLASSES, default_graphs=shared):  # type: ignore[union-attr]
        direct.setdefault(solution["super"].value, set()).add(solution["sub"].value)
    closure: dict[str, set[str]] = {}
    for top in direct:
        found: set[str] = set()
        todo = list(direct[top])
        while todo:
            sub = todo.pop()
            if sub not in found:
                found.add(sub)
                todo += direct.get(sub, ())
        closure[top] = found
    return closure


@dataclass(frozen=True)
class PreviousRun:
    """What ``--changed`` needs to know of the newest stored run."""

    graph: str
    units: frozenset[str]  # unit graphs it checked
    as_of: str
    shapes_digest: str
    change_sequence: int | None
    hashes: dict[str, str]


LATEST_RUN = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
SELECT ?g ?run ?asOf ?digest ?sequence ?hashes WHERE {
  GRAPH ?g { ?run <http://www.w3.org/ns/prov#endedAtTime> ?t ; bpss:asOfDate ?asOf ;
                  bpss:shapesDigest ?digest .
             OPTIONAL { ?run bpss:changeSequence ?sequence }
             OPTIONAL { ?run bpss:graphHashes ?hashes } }
} ORDER BY DESC(?t) LIMIT 1
"""
RUN_UNITS = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
SELECT ?g ?run ?unit WHERE { GRAPH ?g { ?run bpss:checkedUnit/bpss:unitGraph ?unit } }
"""


def latest_run(store: Store) -> PreviousRun | None:
    """The newest stored run, or None."""
    for solution in store.query(LATEST_RUN):  # type: ignore[union-attr]
        graph = solution["g"]
        units = frozenset(s["unit"].value for s in store.query(  # type: ignore[union-attr]
            RUN_UNITS, bindings={"g": graph, "run": solution["run"]}))
        sequence = solution["sequence"]
        hashes = solution["hashes"]
        return PreviousRun(graph.value, units, solution["asOf"].value,
                           solution["digest"].value,
                           int(sequence.value) if sequence is not None else None,
                           json.loads(hashes.value) if hashes is not None else {})
    return None


def _unchanged_units(store: Store, units: list[Unit], previous: PreviousRun, as_of: date,
                     shapes: Shapes) -> list[Unit]:
    """The units whose data, shared layer, as-of date and shapes are as in ``previous``.

    With the embedded store the change journal says which graphs were written since the
    previous run (no need to read any data); with a remote store the content hashes are
    compared instead."""
    if previous.as_of != as_of.isoformat() or previous.shapes_digest != shapes.digest:
        return []
    candidates = [u for u in units if u.graph in previous.units]
    journal = getattr(store, "changes", None)
    if journal is not None and previous.change_sequence is not None:
        changed = journal.changed_since(previous.change_sequence)
        if changed is None or changed & {str(NATIONAL_GRAPH), str(ONTOLOGY_GRAPH)}:
            return []
        return [u for u in candidates if u.graph not in changed]
    if not previous.hashes:
        return []
    shared = [str(NATIONAL_GRAPH), str(ONTOLOGY_GRAPH)]
    if any(previous.hashes.get(g) != graph_hash(store, g) for g in shared):
        return []
    return [u for u in candidates if previous.hashes.get(u.graph) == graph_hash(store, u.graph)]


def validate_store(store: Store, *, county: str | None = None,
                   shapes_files: list[Path] | None = None, as_of: date | None = None,
                   engine: str = "sparql", changed: bool = False,
                   record: bool = True) -> ValidationRun:
    """Validate the store's counties (and national layer), store the report, return the run.

    With ``changed``, units that did not change since the newest stored run (same data,
    shared layer, as-of date and shapes) keep that run's findings and are not validated."""
    shapes = load_shapes(shapes_files)
    as_of = as_of or date.today()
    units = units_of(store, county)
    _write_context(store, as_of)
    journal = getattr(store, "changes", None)
    sequence = journal.sequence if journal is not None else None
    hashes: dict[str, str] = {}
    if journal is None:  # a remote store: content hashes stand in for the journal
        hashes = {g: graph_hash(store, g) for g in
                  [u.graph for u in units] + [str(NATIONAL_GRAPH), str(ONTOLOGY_GRAPH)]}
    skipped: list[str] = []
    previous_findings: list[Finding] = []
    units_to_run = units
    if changed:
        previous = latest_run(store)
        if previous is not None:
            keep = _unchanged_units(store, units, previous, as_of, shapes)
            skipped = [u.name for u in keep]
            kept_names = set(skipped)
            if kept_names:
                from .storage import read_unit_findings

                compact = read_unit_findings(store, previous.graph, kept_names)
                previous_findings = compact if compact is not None else [
                    f for f in stored_findings(store, previous.graph) if f.unit in kept_names]
            units_to_run = [u for u in units if u.name not in kept_names]
    findings = validate_units(store, units_to_run, shapes, as_of, engine) + previous_findings
    run = ValidationRun(sorted(findings), units, shapes, as_of, engine, graph_hashes=hashes,
                        skipped_unchanged=skipped, change_sequence=sequence)
    if record:
        from .storage import store_run

        store_run(store, run)
    return run


def stored_findings(store: Store, graph_name: str) -> list[Finding]:
    from .storage import read_findings

    return read_findings(store, graph_name)


def validate_files(files: list[Path], *, shapes_files: list[Path] | None = None,
                   as_of: date | None = None, engine: str = "sparql", base: str | None = None,
                   national_layer: bool | None = None) -> ValidationRun:
    """Validate RDF files against the shapes; nothing is written anywhere.

    With the national layer (the default for the bundled shapes) the files are validated as
    county data: beside the bundled ontology and national layer, each named graph of the files
    is a unit, triples outside named graphs form one unit per file, and focus nodes are the
    units' own subjects. Without it (the default for ``shapes_files``) validation is plain
    SHACL: the files together are the data graph and every target of the shapes is a focus
    node. Relative IRIs resolve against ``base`` (default: each file's ``file:`` IRI).
    """
    if not files:
        raise BadInput("no files to validate")
    shapes = load_shapes(shapes_files)
    as_of = as_of or date.today()
    if not (national_layer if national_layer is not None else not shapes_files):
        return _validate_data_graph(files, shapes, as_of, engine, base)
    store = OxigraphStore(None)
    units: list[Unit] = []
    sources = ontology_sources() + national_sources(with_sample_national=True)
    for index, path in enumerate(files, start=1):
        graph = str(GRAPH[f"file/{index}"])
        sources.append(source_for_file(Path(path), graph, base))
    store.load(sources)
    for index, path in enumerate(files, start=1):
        graph = str(GRAPH[f"file/{index}"])
        if any(True for _ in store.quads(ox.NamedNode(graph))):
            units.append(Unit(Path(path).name, graph))
    reserved = {str(NATIONAL_GRAPH), str(ONTOLOGY_GRAPH)}
    for name in store.named_graphs():
        if name.value not in reserved and not name.value.startswith(str(GRAPH["file/"])):
            units.append(Unit(_unit_name(name.value), name.value))
    _write_context(store, as_of)
    findings = validate_units(store, units, shapes, as_of, engine)
    return ValidationRun(findings, units, shapes, as_of, engine,
                         warnings=ill_typed_warnings(store, units))


def _validate_data_graph(files: list[Path], shapes: Shapes, as_of: date, engine: str,
                         base: str | None) -> ValidationRun:
    """Plain SHACL: the files' triples (all their graphs) are one data graph, every target
    of the shapes is a focus node, and nothing else is in the data."""
    if engine not in ("sparql", "pyshacl"):
        raise BadInput(f"unknown engine {engine!r}; expected sparql or pyshacl")
    unit = Unit(", ".join(Path(p).name for p in files), str(GRAPH["data"]))
    target = ox.NamedNode(unit.graph)
    triples = [q.triple for q in parse_sources(
        [source_for_file(Path(p), unit.graph, base) for p in files])]
    store = OxigraphStore(None)
    store.add(ox.Quad(t.subject, t.predicate, t.object, target) for t in triples)
    warnings = ill_typed_warnings(store, [unit])
    findings: list[Finding] = []
    fallback = None
    if engine == "sparql":
        compiled = compile_shapes(shapes.graph, "")
        findings += run_checks(store, compiled.checks, unit, whole_store=True)
        fallback = compiled.fallback
    if engine == "pyshacl" or fallback:
        data = rdflib_graph(triples)  # as parsed: the store would canonicalise literals
        found = validate_with_pyshacl(data, shapes.graph, None, unit.name)
        findings += found if fallback is None else only_from(shapes.graph, found, fallback)
    return ValidationRun(sorted(findings), [unit], shapes, as_of, engine, warnings=warnings)


def ill_typed_warnings(store: Store, units: list[Unit]) -> list[str]:
    """One line per ill-typed literal in the units' graphs (at most 100 per unit)."""
    lines = []
    for unit in units:
        for subject, predicate, literal in ill_typed_literals(store, ox.NamedNode(unit.graph)):
            kind = literal.datatype.value.removeprefix("http://www.w3.org/2001/XMLSchema#")
            lines.append(f"{unit.name}: {literal} is not a valid xsd:{kind} "
                         f"(subject {subject}, property {predicate})")
    return lines


def new_run_id(now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return now.strftime("%Y%m%dT%H%M%S%fZ")


__all__ = [
    "KEEP_RUNS",
    "VALIDATION_PREFIX",
    "Literal",
    "Unit",
    "ValidationRun",
    "new_run_id",
    "validate_files",
    "validate_store",
    "validate_units",
]


def validate_county_graph(graph: Graph, county: str, *, as_of: date | None = None,
                          shapes_files: list[Path] | None = None) -> ValidationRun:
    """Validate a would-be county graph (e.g. an import preview) with the bundled ontology and
    national layer, without touching any store."""
    shapes = load_shapes(shapes_files)
    as_of = as_of or date.today()
    store = OxigraphStore(None)
    unit = Unit(county, str(GRAPH[f"county/{county}"]))
    data = graph.serialize(format="nt", encoding="utf-8")
    from ..store.base import LoadSource

    store.load(ontology_sources() + national_sources(with_sample_national=True) + [
        LoadSource(name=f"county {county}", format=ox.RdfFormat.N_TRIPLES, data=data,
                   graph=ox.NamedNode(unit.graph))])
    _write_context(store, as_of)
    return ValidationRun(validate_units(store, [unit], shapes, as_of), [unit], shapes, as_of,
                         "sparql")
