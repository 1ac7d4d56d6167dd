"""Shapes graphs: the bundled ones or a user's, checked for well-formedness, with a version."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, SH

from .. import resources
from ..errors import BadInput, Location
from ..input_bounds import bounded, check_document
from ..namespaces import BPSS
from ..rdf_terms import rdflib_graph
from ..store.formats import rdf_format_for

SHAPES_ONTOLOGY = URIRef("https://w3id.org/bpss-kg/shapes")


@dataclass(frozen=True)
class ShapeInfo:
    """What the report says about a shape: fault kind, rule group, clause, fix."""

    fault: str | None
    group: str
    clause: str | None
    label: dict[str, str]
    fix: dict[str, str]


@dataclass
class Shapes:
    graph: Graph
    files: list[Path]
    version: str
    digest: str

    def info(self, shape_n3: str) -> ShapeInfo:
        """Metadata of the node shape that owns ``shape_n3`` (a node or property shape)."""
        node = _from_n3(shape_n3)
        owner = next(iter(self.graph.subjects(SH.property, node)), node)

        def texts(predicate: URIRef) -> dict[str, str]:
            return {o.language or "": str(o) for o in self.graph.objects(owner, predicate)}

        fault = self.graph.value(owner, BPSS.faultKind)
        group = self.graph.value(owner, BPSS.ruleGroup)
        clause = self.graph.value(owner, BPSS.clause)
        return ShapeInfo(str(fault) if fault else None, str(group) if group else "other",
                         str(clause) if clause else None,
                         texts(URIRef("http://www.w3.org/2000/01/rdf-schema#label")),
                         texts(BPSS.fix))


def _from_n3(text: str):  # type: ignore[no-untyped-def]
    from .findings import _term

    return _term(text)


def bundled_shape_files() -> list[Path]:
    return sorted(resources.shapes_dir().glob("*.ttl"))


def load_shapes(files: list[Path] | None = None) -> Shapes:
    """Parse shapes files (the bundled ones when none are given); BadInput names the file."""
    paths = [Path(p) for p in files] if files else bundled_shape_files()
    graph = Graph()
    digest = hashlib.sha256()
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise BadInput(f"cannot read shapes: {error.strerror}", Location(file=str(path))) \
                from None
        digest.update(data)
        fmt = rdf_format_for(path) if path.suffix.lower() != ".shacl" else ox.RdfFormat.TURTLE
        check_document(fmt, str(path), data=data)
        try:  # Oxigraph's parser: literals as written, relative IRIs against the file's IRI
            rdflib_graph(bounded(ox.parse(data, format=fmt, base_iri=path.resolve().as_uri()),
                                 str(path)), graph)
        except SyntaxError as error:
            message = re.sub(r"^Parser error at line \d+( between columns \d+ and \d+"
                             r"| column \d+)?: ", "", str(getattr(error, "msg", error)))
            raise BadInput(f"shapes are not valid {fmt.name}: {message}",
                           Location(file=str(path), line=error.lineno, column=error.offset)
                           ) from None
    markers = (SH.property, SH.path, SH.targetClass, SH.targetNode, SH.targetSubjectsOf,
               SH.targetObjectsOf, SH.target)
    if not any(graph.subjects(None, SH.NodeShape)) and not any(
            graph.subjects(None, SH.PropertyShape)) and not any(
            next(graph.subjects(marker), None) is not None for marker in markers):
        raise BadInput("no SHACL shapes found", Location(file=", ".join(map(str, paths))))
    name_anonymous_shapes(graph)
    version = graph.value(SHAPES_ONTOLOGY, OWL.versionInfo)
    return Shapes(graph, paths, str(version) if version else "unversioned",
                  digest.hexdigest()[:16])


def name_anonymous_shapes(graph: Graph) -> dict[BNode, URIRef]:
    """Give blank-node property and node shapes stable IRIs derived from their owner; return
    which blank node got which IRI.

    Reports name a result's source shape; a blank node's label changes with every parse and
    every engine (pySHACL copies the shapes graph), so ``[ sh:path bpss:x ]`` under
    ``bpsssh:S`` becomes ``<…shapes#S/property/1>`` (numbered in path order) for every engine.
    """
    minted: dict[BNode, URIRef] = {}
    changed = True
    while changed:
        changed = False
        for owner in sorted({s for s in graph.subjects(SH.property) if isinstance(s, URIRef)}
                            | {s for s in graph.subjects(SH.node) if isinstance(s, URIRef)},
                            key=str):
            for predicate, kind in ((SH.property, "property"), (SH.node, "node")):
                anonymous = [o for o in graph.objects(owner, predicate) if isinstance(o, BNode)]
                anonymous.sort(key=lambda b: (str(graph.value(b, SH.path)), _signature(graph, b)))
                for index, node in enumerate(anonymous, start=1):
                    minted[node] = URIRef(f"{owner}/{kind}/{index}")
                    _rename(graph, node, minted[node])
                    changed = True
    return minted


def _signature(graph: Graph, node: BNode) -> str:
    return "|".join(sorted(f"{p} {o}" for p, o in graph.predicate_objects(node)
                           if not isinstance(o, BNode)))


def _rename(graph: Graph, old: BNode, new: URIRef) -> None:
    for p, o in list(graph.predicate_objects(old)):
        graph.remove((old, p, o))
        graph.add((new, p, o))
    for s, p in list(graph.subject_predicates(old)):
        graph.remove((s, p, old))
        graph.add((s, p, new))
