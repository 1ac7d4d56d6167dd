"""The DCAT catalog of the published datasets (the national layer, the ontology, each county,
the stored validation reports) and their VoID statistics.

Each published graph is one ``dcat:Dataset`` (also a ``void:Dataset``) with one distribution
per dump format and the SPARQL endpoint as its data service. The catalog conforms to the
DCAT-AP 3.0.0 SHACL shapes (checked in tests/test_publish.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pyoxigraph as ox
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, XSD

from ..config import Settings
from ..namespaces import GRAPH, ID, NATIONAL_GRAPH, ONTOLOGY_GRAPH
from ..store.base import Store
from .csvw import county_csv
from .dumps import DUMP_FORMATS, dump_names, write_dump

VOID = Namespace("http://rdfs.org/ns/void#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
CATALOG = ID["catalog"]
MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"

_STATS = """
SELECT ?g (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects)
       (COUNT(DISTINCT ?p) AS ?properties)
WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g
"""
_CLASSES = """
SELECT ?g (COUNT(DISTINCT ?c) AS ?classes)
WHERE { GRAPH ?g { ?s a ?c } } GROUP BY ?g
"""
_LABEL = """
SELECT ?place ?label WHERE { ?place <http://www.w3.org/2000/01/rdf-schema#label> ?label
  FILTER(lang(?label) = "zh") }
"""
_RUN_ENDED = """
SELECT ?g ?ended WHERE { GRAPH ?g { ?run <http://www.w3.org/ns/prov#endedAtTime> ?ended } }
"""


@dataclass(frozen=True)
class GraphStats:
    triples: int
    subjects: int
    properties: int
    classes: int


def graph_stats(store: Store) -> dict[str, GraphStats]:
    """VoID figures per named graph: triples, distinct subjects, properties and classes."""
    classes = {s["g"].value: int(s["classes"].value)
               for s in store.query(_CLASSES)}  # type: ignore[union-attr]
    return {s["g"].value: GraphStats(int(s["triples"].value), int(s["subjects"].value),
                                     int(s["properties"].value), classes.get(s["g"].value, 0))
            for s in store.query(_STATS)}  # type: ignore[union-attr]


def dataset_iri(name: str) -> URIRef:
    return ID[f"dataset/graph/{name}"]


def _titles(name: str, graph: str, place_names: dict[str, str]) -> tuple[str, str, str, str]:
    """zh title, en title, zh description, en description of a published graph."""
    if graph == str(NATIONAL_GRAPH):
        return ("国家层数据：国家基本公共服务标准清单、行政区划、国家指标与基准",
                "National layer: the national list of basic public services, administrative "
                "divisions, national indicators and baselines",
                "国家基本公共服务标准（2023年版）清单、GB/T 2260 行政区划及国家层标准与指标。",
                "The national list (2023), GB/T 2260 divisions and national standards and "
                "indicators.")
    if graph == str(ONTOLOGY_GRAPH):
        return ("bpss-kg 本体", "bpss-kg ontology",
                "基本公共服务标准化知识图谱的类、属性与概念体系。",
                "Classes, properties and concept schemes of the bpss-kg model.")
    if name.startswith("county-"):
        code = name.removeprefix("county-")
        label = place_names.get(code, code)
        return (f"{label}（{code}）县域基本公共服务标准体系",
                # the Chinese name: no source gives these places an official English one
                f"County standard system of {label} ({code})" if label != code
                else f"County standard system of {code}",
                f"{label}的标准体系、标准、本地清单、组织、指标观测值与过程记录。",
                f"The standard system, standards, local list, organisations, indicator "
                f"observations and process records of county {code}.")
    if name.startswith("validation-"):
        run = name.removeprefix("validation-")
        return (f"校验报告 {run}", f"Validation report {run}",
                "一次 SHACL 校验运行的报告（W3C SHACL 验证报告）。",
                "The W3C SHACL validation report of one validation run.")
    return (name, name, name, name)


def _place_names(store: Store) -> dict[str, str]:
    prefix = str(ID["place/"])
    names = {}
    for solution in store.query(_LABEL):  # type: ignore[union-attr]
        place = solution["place"]
        if isinstance(place, ox.NamedNode) and place.value.startswith(prefix):
            names.setdefault(place.value[len(prefix):], solution["label"].value)
    return names


def _run_dates(store: Store) -> dict[str, str]:
    return {s["g"].value: s["ended"].value
            for s in store.query(_RUN_ENDED)}  # type: ignore[union-attr]


UNCONFIGURED_PUBLISHER = ID["agent/unconfigured-publisher"]


def publisher_iri(settings: Settings) -> URIRef:
    """``BPSS_KG_PUBLISHER_IRI``, else ``{BPSS_KG_BASE_URL}/#publisher``, else a stable IRI
    saying no publisher is configured (never one under whatever host served the request)."""
    if settings.publisher_iri:
        return URIRef(settings.publisher_iri)
    if settings.base_url:
        return URIRef(f"{settings.base_url.rstrip('/')}/#publisher")
    return UNCONFIGURED_PUBLISHER


def catalog_graph(store: Store, settings: Settings, base: str,
                  modified: dict[str, str] | None = None,
                  sizes: dict[str, int] | None = None) -> Graph:
    """The DCAT catalog. ``base`` is the server's public URL (links to dumps and /sparql);
    ``modified`` maps graph IRIs to the ``xsd:dateTime`` they last changed, where known
    (validation runs carry their own end time); ``sizes`` maps dump file names
    (``county-370502.ttl``) to their size in bytes (``dcat:byteSize``)."""
    sizes = sizes or {}
    base = base.rstrip("/")
    g = Graph()
    for prefix, ns in (("dcat", DCAT), ("dcterms", DCTERMS), ("foaf", FOAF), ("void", VOID),
                       ("bpssid", ID)):
        g.bind(prefix, ns)
    publisher = publisher_iri(settings)
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal(settings.publisher_name, lang="zh")))
    licence = URIRef(settings.data_license)
    g.add((licence, RDF.type, DCTERMS.LicenseDocument))
    service = URIRef(f"{base}/sparql#service")
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCTERMS.title, Literal("bpss-kg SPARQL 1.1 端点", lang="zh")))
    g.add((service, DCTERMS.title, Literal("bpss-kg SPARQL 1.1 endpoint", lang="en")))
    g.add((service, DCAT.endpointURL, URIRef(f"{base}/sparql")))
    g.add((service, DCAT.endpointDescription, URIRef(f"{base}/sparql")))
    g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((service, DCTERMS.publisher, publisher))
    g.add((service, DCTERMS.license, licence))

    g.add((CATALOG, RDF.type, DCAT.Catalog))
    g.add((CATALOG, DCTERMS.title, Literal("基本公共服务标准化知识图谱数据目录", lang="zh")))
    g.add((CATALOG, DCTERMS.title, Literal("bpss-kg data catalog", lang="en")))
    g.add((CATALOG, DCTERMS.description, Literal(
        "国家层、各县标准体系与校验报告的数据集，及其下载与 SPARQL 查询服务。", lang="zh")))
    g.add((CATALOG, DCTERMS.description, Literal(
        "Datasets of the national layer, each county's standard system and the validation "
        "reports, with dumps and a SPARQL service.", lang="en")))
    g.add((CATALOG, DCTERMS.publisher, publisher))
    g.add((CATALOG, DCTERMS.license, licence))
    g.add((CATALOG, FOAF.homepage, URIRef(f"{base}/")))
    g.add((URIRef(f"{base}/"), RDF.type, FOAF.Document))
    g.add((CATALOG, DCAT.service, service))
    g.add((CATALOG, DCTERMS.modified, Literal(datetime.now(UTC).replace(microsecond=0)
                                              .isoformat(), datatype=XSD.dateTime)))

    places = _place_names(store)
    dates = {**(modified or {}), **_run_dates(store)}
    for dump in dump_names(store):
        graph = dump.graph.value if dump.graph is not None else None
        dataset = dataset_iri(dump.name)
        g.add((CATALOG, DCAT.dataset, dataset))
        g.add((dataset, RDF.type, DCAT.Dataset))
        if graph is None:
            titles = ("全部数据（所有命名图）", "All data (every named graph)",
                      "本服务发布的全部命名图。", "Every named graph this service publishes.")
        else:
            titles = _titles(dump.name, graph, places)
            g.add((dataset, DCTERMS.identifier, Literal(graph)))
            g.add((service, DCAT.servesDataset, dataset))
        g.add((dataset, DCTERMS.title, Literal(titles[0], lang="zh")))
        g.add((dataset, DCTERMS.title, Literal(titles[1], lang="en")))
        g.add((dataset, DCTERMS.description, Literal(titles[2], lang="zh")))
        g.add((dataset, DCTERMS.description, Literal(titles[3], lang="en")))
        g.add((dataset, DCTERMS.publisher, publisher))
        if graph is not None and graph in dates:
            g.add((dataset, DCTERMS.modified, Literal(dates[graph], datatype=XSD.dateTime)))
        if dump.name.startswith("county-"):
            g.add((dataset, DCTERMS.spatial, ID[f"place/{dump.name.removeprefix('county-')}"]))
            g.add((ID[f"place/{dump.name.removeprefix('county-')}"], RDF.type,
                   DCTERMS.Location))
        for ext in dump.extensions():
            _fmt, media, _quads = DUMP_FORMATS[ext]
            dist = ID[f"distribution/{dump.name}/{ext}"]
            url = URIRef(f"{base}/dumps/{dump.name}.{ext}")
            g.add((dataset, DCAT.distribution, dist))
            g.add((dist, RDF.type, DCAT.Distribution))
            g.add((dist, DCTERMS.title, Literal(f"{dump.name}.{ext}")))
            g.add((dist, DCAT.accessURL, url))
            g.add((dist, DCAT.downloadURL, url))
            g.add((dist, DCAT.mediaType, URIRef(MEDIA_TYPES + media)))
            g.add((URIRef(MEDIA_TYPES + media), RDF.type, DCTERMS.MediaType))
            g.add((dist, DCTERMS.license, licence))
            if f"{dump.name}.{ext}" in sizes:
                g.add((dist, DCAT.byteSize, Literal(sizes[f"{dump.name}.{ext}"],
                                                    datatype=XSD.nonNegativeInteger)))
            if ext == "jsonld":
                g.add((dist, DCTERMS.conformsTo, URIRef(f"{base}/context.jsonld")))
        if graph is not None:
            endpoint = ID[f"distribution/{dump.name}/sparql"]
            g.add((dataset, DCAT.distribution, endpoint))
            g.add((endpoint, RDF.type, DCAT.Distribution))
            g.add((endpoint, DCTERMS.title, Literal(f"{dump.name} (SPARQL)")))
            g.add((endpoint, DCAT.accessURL, URIRef(f"{base}/sparql")))
            g.add((endpoint, DCAT.accessService, service))
            g.add((endpoint, DCTERMS.license, licence))
        if dump.name.startswith("county-"):
            table = ID[f"distribution/{dump.name}/csv"]
            url = URIRef(f"{base}/dumps/{dump.name}.csv")
            g.add((dataset, DCAT.distribution, table))
            g.add((table, RDF.type, DCAT.Distribution))
            g.add((table, DCTERMS.title, Literal(f"{dump.name}.csv 标准明细表 (GB/T 13016)",
                                                 lang="zh")))
            g.add((table, DCAT.accessURL, url))
            g.add((table, DCAT.downloadURL, url))
            g.add((table, DCAT.mediaType, URIRef(MEDIA_TYPES + "text/csv")))
            g.add((URIRef(MEDIA_TYPES + "text/csv"), RDF.type, DCTERMS.MediaType))
            g.add((table, DCTERMS.license, licence))
            if f"{dump.name}.csv" in sizes:
                g.add((table, DCAT.byteSize, Literal(sizes[f"{dump.name}.csv"],
                                                     datatype=XSD.nonNegativeInteger)))
            g.add((table, DCTERMS.conformsTo, URIRef(f"{base}/dumps/{dump.name}.csv-metadata"
                                                     ".json")))
    _type_values(g)
    return g


def _type_values(g: Graph) -> None:
    """DCAT-AP checks the class of every value: URLs are ``rdfs:Resource``, what a resource
    conforms to is a ``dcterms:Standard``."""
    for prop in (DCAT.accessURL, DCAT.downloadURL, DCAT.endpointURL, DCAT.endpointDescription):
        for value in set(g.objects(None, prop)):
            g.add((value, RDF.type, RDFS.Resource))
    for value in set(g.objects(None, DCTERMS.conformsTo)):
        g.add((value, RDF.type, DCTERMS.Standard))


def void_graph(store: Store, base: str) -> Graph:
    """VoID description: per published graph its triples, distinct subjects, classes and
    properties, its dumps, and the SPARQL endpoint (whose service description ``GET /sparql``
    serves)."""
    base = base.rstrip("/")
    g = Graph()
    g.bind("void", VOID)
    g.bind("dcterms", DCTERMS)
    stats = graph_stats(store)
    everything = dataset_iri("all")
    g.add((everything, RDF.type, VOID.Dataset))
    g.add((everything, VOID.sparqlEndpoint, URIRef(f"{base}/sparql")))
    g.add((everything, DCTERMS.conformsTo,
           URIRef("http://www.w3.org/ns/sparql-service-description#")))
    g.add((everything, RDFS.seeAlso, URIRef(f"{base}/sparql")))
    g.add((everything, VOID.triples, Literal(sum(s.triples for s in stats.values()))))
    for ext in ("trig", "nq"):
        g.add((everything, VOID.dataDump, URIRef(f"{base}/dumps/all.{ext}")))
    for dump in dump_names(store):
        if dump.graph is None:
            continue
        figures = stats.get(dump.graph.value)
        subset = dataset_iri(dump.name)
        g.add((everything, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, DCTERMS.identifier, Literal(dump.graph.value)))
        g.add((subset, VOID.sparqlEndpoint, URIRef(f"{base}/sparql")))
        for ext in ("ttl", "nt"):
            g.add((subset, VOID.dataDump, URIRef(f"{base}/dumps/{dump.name}.{ext}")))
        if figures is not None:
            g.add((subset, VOID.triples, Literal(figures.triples)))
            g.add((subset, VOID.distinctSubjects, Literal(figures.subjects)))
            g.add((subset, VOID.properties, Literal(figures.properties)))
            g.add((subset, VOID.classes, Literal(figures.classes)))
    return g


def dump_sizes(store: Store, context_url: str) -> dict[str, int]:
    """The size in bytes of every dump the catalog lists (each one written once, to count)."""
    sizes: dict[str, int] = {}
    for dump in dump_names(store):
        for ext in dump.extensions():
            counter = _Counter()
            write_dump(store, dump, ext, counter, context_url)  # type: ignore[arg-type]
            sizes[f"{dump.name}.{ext}"] = counter.size
        if dump.name.startswith("county-"):
            sizes[f"{dump.name}.csv"] = len(county_csv(store, dump.name.removeprefix("county-")))
    return sizes


class _Counter:
    """A write-only binary sink that counts bytes."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        return None


__all__ = [
    "CATALOG",
    "GRAPH",
    "GraphStats",
    "catalog_graph",
    "dataset_iri",
    "dump_sizes",
    "graph_stats",
    "publisher_iri",
    "void_graph",
]
