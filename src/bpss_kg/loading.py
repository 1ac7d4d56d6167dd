"""Files → store: plan what to load, check it, and write it in one all-or-nothing step."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from . import resources
from .errors import BadInput, Location
from .namespaces import GRAPH, NATIONAL_GRAPH, ONTOLOGY_GRAPH
from .search import refresh_index
from .store.base import LoadSource, Progress, Store
from .store.formats import holds_quads, rdf_format_for


@dataclass(frozen=True)
class LoadReport:
    documents: list[str]
    bytes_read: int
    quads_before: int
    quads_after: int


def source_for_file(path: Path, graph: str | None = None, base: str | None = None) -> LoadSource:
    """A file to load; triples of a triple syntax go to ``graph`` (default graph if None).

    Relative IRIs in the file resolve against ``base``, by default the file's own ``file:``
    IRI (as rdflib, Jena and Oxigraph's own command line do)."""
    if not path.is_file():
        raise BadInput("no such file", Location(file=str(path)))
    fmt = rdf_format_for(path)
    target = ox.NamedNode(graph) if graph else None
    return LoadSource(name=str(path), format=fmt, path=path, graph=target,
                      base_iri=checked_base(base) if base else path.resolve().as_uri())


def checked_base(base: str) -> str:
    """``base`` if it is an absolute IRI, else ``BadInput`` (a relative base resolves nothing)."""
    try:
        return ox.NamedNode(base).value
    except ValueError as error:
        raise BadInput(f"the base must be an absolute IRI, got {base!r} ({error})") from None


def source_for_graph(name: str, graph: Graph, target: str) -> LoadSource:
    """An rdflib graph built in memory (e.g. from a table), loaded into the named graph."""
    data = graph.serialize(format="nt", encoding="utf-8")
    return LoadSource(name=name, format=ox.RdfFormat.N_TRIPLES, data=data,
                      graph=ox.NamedNode(target))


def load_sources(store: Store, sources: list[LoadSource],
                 progress: Progress | None = None) -> LoadReport:
    """Load all sources or none; a syntax error names the document, line and column."""
    before = len(store)
    after = store.load(sources, progress)
    refresh_index(store)
    return LoadReport(
        documents=[s.name for s in sources],
        bytes_read=sum(s.size for s in sources),
        quads_before=before,
        quads_after=after,
    )


def load_files(store: Store, paths: Iterable[Path], graph: str | None = None,
               progress: Progress | None = None) -> LoadReport:
    sources = [source_for_file(Path(p), graph) for p in paths]
    if not sources:
        raise BadInput("no files to load")
    return load_sources(store, sources, progress)


def ontology_sources() -> list[LoadSource]:
    return [source_for_file(p, str(ONTOLOGY_GRAPH))
            for p in sorted(resources.ontology_dir().glob("*.ttl"))]


def national_sources(list_table: Path | None = None,
                     with_sample_national: bool = False) -> list[LoadSource]:
    """The national layer: the national list (from its table) and the divisions; with
    ``with_sample_national`` also the sample's national additions (indicators, regulators)."""
    from .national_list import build_divisions, build_national_list

    data = resources.data_dir()
    table = list_table or data / "national-list-2023.csv"
    sources = [
        source_for_graph(str(table), build_national_list(table), str(NATIONAL_GRAPH)),
        source_for_graph(str(data / "divisions-mca2024.csv"),
                         build_divisions(data / "divisions-mca2024.csv"), str(NATIONAL_GRAPH)),
    ]
    if with_sample_national:
        sources.append(source_for_file(data / "sample" / "national-sample.trig"))
    return sources


def sample_sources() -> list[LoadSource]:
    """Everything ``bpss-kg load --sample`` loads: ontology, national layer, sample counties."""
    sample_dir = resources.data_dir() / "sample"
    files = [source_for_file(p) for p in sorted(sample_dir.glob("county-*.trig"))]
    files.append(source_for_file(sample_dir / "monitoring-sample.trig"))  # issue 19 records
    return ontology_sources() + national_sources(with_sample_national=True) + files


def load_sample(store: Store, progress: Progress | None = None) -> LoadReport:
    return load_sources(store, sample_sources(), progress)


def load_national_list(store: Store, table: Path,
                       progress: Callable[[int], None] | None = None) -> int:
    """Replace the national list in the national graph by the one built from ``table``.

    The table is checked completely before anything is written; the old list's items,
    categories and areas are removed in the same update that writes the new ones.
    """
    from .national_list import build_national_list

    graph = build_national_list(table)
    body = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    store.update(
        "PREFIX bpss: <https://w3id.org/bpss-kg/def#>\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        f"DELETE {{ GRAPH {NATIONAL_GRAPH.n3()} {{ ?s ?p ?o }} }}\n"
        f"WHERE {{ GRAPH {NATIONAL_GRAPH.n3()} {{ ?s ?p ?o .\n"
        "  { ?s a bpss:NationalServiceList } UNION { ?s bpss:inList ?list . "
        "?list a bpss:NationalServiceList } } } ;\n"
        f"INSERT DATA {{ GRAPH {NATIONAL_GRAPH.n3()} {{\n{body}\n}} }}"
    )
    refresh_index(store)
    if progress:
        progress(len(body))
    return len(graph)


def county_graph_names(store: Store) -> list[str]:
    prefix = str(GRAPH["county/"])
    return [g.value for g in store.named_graphs() if g.value.startswith(prefix)]


def is_quad_file(path: Path) -> bool:
    return holds_quads(rdf_format_for(path))
