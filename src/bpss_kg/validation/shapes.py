"""Shapes graphs: the bundled ones or a user's, checked for well-formedness, with a version."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, SH

from .. import resources
from ..errors import BadInput, Location
from ..namespaces import BPSS

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
        try:
            graph.parse(data=data, format="turtle" if path.suffix != ".nt" else "nt",
                        publicID=path.resolve().as_uri())
        except Exception as error:  # rdflib raises many parser exception types
            line = getattr(error, "lines", None) or getattr(error, "lineno", None)
            raise BadInput(f"shapes are not valid Turtle: {error}",
                           Location(file=str(path), line=line if isinstance(line, int) else None)
                           ) from None
    if not any(graph.subjects(None, SH.NodeShape)) and not any(graph.subjects(SH.property)):
        raise BadInput("no SHACL shapes found", Location(file=", ".join(map(str, paths))))
    name_anonymous_shapes(graph)
    version = graph.value(SHAPES_ONTOLOGY, OWL.versionInfo)
    return Shapes(graph, paths, str(version) if version else "unversioned",
                  digest.hexdigest()[:16])


def name_anonymous_shapes(graph: Graph) -> None:
    """Give blank-node property and node shapes stable IRIs derived from their owner.

    Reports name a result's source shape; a blank node's label changes with every parse and
    every engine (pySHACL copies the shapes graph), so ``[ sh:path bpss:x ]`` under
    ``bpsssh:S`` becomes ``<…shapes#S/property/1>`` (numbered in path order) for every engine.
    """
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
                    _rename(graph, node, URIRef(f"{owner}/{kind}/{index}"))
                    changed = True


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
