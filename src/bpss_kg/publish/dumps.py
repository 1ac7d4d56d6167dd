"""Dumps: one graph (``national``, ``ontology``, ``county-370502``, ``validation-<run>``) or
everything (``all``), in the RDF syntaxes that can hold them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import IO

import pyoxigraph as ox

from ..errors import BadInput, NotFound
from ..namespaces import GRAPH
from ..store.base import Store
from .jsonld import write_jsonld

ALL = "all"
# extension → (syntax, media type, holds several graphs)
DUMP_FORMATS: dict[str, tuple[ox.RdfFormat, str, bool]] = {
    "ttl": (ox.RdfFormat.TURTLE, "text/turtle", False),
    "nt": (ox.RdfFormat.N_TRIPLES, "application/n-triples", False),
    "rdf": (ox.RdfFormat.RDF_XML, "application/rdf+xml", False),
    "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json", True),
    "trig": (ox.RdfFormat.TRIG, "application/trig", True),
    "nq": (ox.RdfFormat.N_QUADS, "application/n-quads", True),
}
GRAPH_EXTENSIONS = ("ttl", "nt", "rdf", "jsonld")
ALL_EXTENSIONS = ("trig", "nq", "jsonld")
_NAME = re.compile(r"^(all|national|ontology|county-\d{6}|validation-[A-Za-z0-9]+)$")


@dataclass(frozen=True)
class DumpName:
    """A dump's name and the graph it holds (None for ``all``)."""

    name: str
    graph: ox.NamedNode | None

    def extensions(self) -> tuple[str, ...]:
        return ALL_EXTENSIONS if self.graph is None else GRAPH_EXTENSIONS


def name_of_graph(graph: ox.NamedNode) -> str | None:
    """``…/graph/county/370502`` → ``county-370502``; None for graphs that are not published."""
    prefix = str(GRAPH)
    if not graph.value.startswith(prefix):
        return None
    local = graph.value[len(prefix):].replace("/", "-")
    return local if _NAME.match(local) and local != ALL else None


def graph_of_name(name: str) -> ox.NamedNode | None:
    if name == ALL:
        return None
    kind, _, rest = name.partition("-")
    return ox.NamedNode(str(GRAPH[f"{kind}/{rest}" if rest else kind]))


def dump_names(store: Store) -> list[DumpName]:
    """``all`` and one name per published graph of the store."""
    names = [DumpName(ALL, None)]
    for graph in store.named_graphs():
        name = name_of_graph(graph)
        if name is not None:
            names.append(DumpName(name, graph))
    return names


def parse_dump_name(store: Store, filename: str) -> tuple[DumpName, str]:
    """``county-370502.ttl`` → its dump and extension; NotFound / BadInput otherwise."""
    name, dot, ext = filename.rpartition(".")
    if not dot or not _NAME.match(name):
        raise NotFound(f"no dump named {filename!r}")
    if ext not in DUMP_FORMATS:
        raise NotFound(f"no dump format .{ext}; use one of "
                       f"{', '.join('.' + e for e in DUMP_FORMATS)}")
    graph = graph_of_name(name)
    dump = DumpName(name, graph)
    if ext not in dump.extensions():
        raise BadInput(f".{ext} holds {'one graph' if graph is None else 'several graphs'}; "
                       f"{name} is available as {', '.join('.' + e for e in dump.extensions())}")
    if graph is not None and not store.has_graph(graph):
        raise NotFound(f"no graph {graph.value} in the store")
    return dump, ext


def write_dump(store: Store, dump: DumpName, ext: str, output: IO[bytes],
               context_url: str) -> None:
    """Write one dump; JSON-LD refers to the published context at ``context_url``."""
    fmt = DUMP_FORMATS[ext][0]
    if ext == "jsonld":
        quads = list(store.quads(dump.graph) if dump.graph is not None else _published(store))
        write_jsonld(quads, output, context_url, one_graph=dump.graph is not None)
    elif dump.graph is None:
        ox.serialize(_published(store), output, fmt)
    else:
        store.dump(output, fmt, dump.graph)


def _published(store: Store) -> list[ox.Quad]:
    """Every quad of the named graphs (the default graph is bpss-kg's scratch space)."""
    quads: list[ox.Quad] = []
    for graph in store.named_graphs():
        quads += list(store.quads(graph))
    return quads
