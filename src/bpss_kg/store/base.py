"""The ``Store`` protocol: the one interface every layer above the store uses."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol, runtime_checkable

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Triple,
)

Term = NamedNode | BlankNode | Literal | Triple
GraphName = NamedNode | BlankNode | DefaultGraph
QueryResult = QuerySolutions | QueryBoolean | QueryTriples
Progress = Callable[[int], None]
"""Called with the number of bytes (or quads) done since the last call."""


@dataclass(frozen=True)
class LoadSource:
    """One RDF document to load: a file or in-memory bytes, its syntax, and its target graph.

    ``graph`` applies to triple syntaxes (Turtle, N-Triples, RDF/XML); quad syntaxes keep the
    graphs they name, and their default-graph triples go to ``graph`` when it is given.
    Relative IRIs resolve against ``base_iri`` (a file's own ``file:`` IRI by default; with
    None a relative IRI is a syntax error).
    ``own_record``: the document is this store's own backup, so the graphs the store keeps for
    itself (the description of its editions) load from it too; from any other document they
    do not.
    """

    name: str
    format: RdfFormat
    path: Path | None = None
    data: bytes | None = None
    graph: NamedNode | None = None
    base_iri: str | None = None
    own_record: bool = False

    @property
    def size(self) -> int:
        if self.data is not None:
            return len(self.data)
        return self.path.stat().st_size if self.path else 0


@runtime_checkable
class Store(Protocol):
    """A SPARQL 1.1 dataset that bpss-kg reads and writes (embedded Oxigraph or remote)."""

    description: str

    def query(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Term] | None = None,
        default_graphs: list[NamedNode] | None = None,
        named_graphs: list[NamedNode] | None = None,
    ) -> QueryResult:
        """Run a SPARQL query; ``bindings`` substitute variables with terms (SEP-0007)."""
        ...

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update request as one transaction."""
        ...

    def load(self, sources: list[LoadSource], progress: Progress | None = None) -> int:
        """Load documents all or nothing; return the number of quads in the store afterwards."""
        ...

    def add(self, quads: Iterable[Quad]) -> None:
        """Add quads in one transaction."""
        ...

    def add_document(self, graph: NamedNode, data: bytes, fmt: RdfFormat) -> None:
        """Add the triples of one document (a triple syntax) to ``graph``, all or none;
        parsed by the store, with no Python object per triple."""
        ...

    def replace_graph(self, graph: NamedNode, triples: Iterable[Triple]) -> None:
        """Replace a named graph's content in one transaction."""
        ...

    def drop_graph(self, graph: NamedNode) -> bool:
        """Remove a named graph; False when it did not exist."""
        ...

    def named_graphs(self) -> list[NamedNode]:
        ...

    def has_graph(self, graph: NamedNode) -> bool:
        """True when the named graph exists (without listing every graph)."""
        ...

    def quads(self, graph: GraphName | None = None) -> Iterable[Quad]:
        """Every quad, or those of one graph."""
        ...

    def predicate_quads(self, predicate: NamedNode) -> Iterable[tuple[Term, Term, GraphName]]:
        """(subject, object, graph) of every quad with ``predicate``, in any graph. A scan of
        one index where the store has one."""
        ...

    def dump(self, output: IO[bytes], fmt: RdfFormat, graph: GraphName | None = None) -> None:
        ...

    def __len__(self) -> int:
        ...

    def close(self) -> None:
        ...
