"""The SPARQL 1.1 Service Description of a bpss-kg endpoint, as an RDF graph."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from .store.base import Store

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                  "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML")


def service_description(store: Store, endpoint: str, update_endpoint: str | None) -> Graph:
    """Who answers at ``endpoint``, which languages and formats, and which graphs it holds."""
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("formats", FORMATS)
    service = URIRef(endpoint + "#service")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(endpoint)))
    graph.add((service, RDFS.label,
               Literal("bpss-kg 基本公共服务标准化知识图谱 SPARQL 端点", lang="zh")))
    graph.add((service, RDFS.label, Literal(
        "bpss-kg basic public service standardization SPARQL endpoint", lang="en")))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    graph.add((service, SD.feature, SD.BasicFederatedQuery))
    for name in RESULT_FORMATS:
        graph.add((service, SD.resultFormat, FORMATS[name]))
    if update_endpoint:
        update = URIRef(update_endpoint + "#service")
        graph.add((update, RDF.type, SD.Service))
        graph.add((update, SD.endpoint, URIRef(update_endpoint)))
        graph.add((update, SD.supportedLanguage, SD.SPARQL11Update))
        graph.add((update, DCTERMS.description, Literal(
            "SPARQL 1.1 Update; requests need a bearer token.", lang="en")))
    dataset = BNode("dataset")
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    default = BNode("default")
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, RDFS.comment, Literal(
        "The default graph is the union of all named graphs.", lang="en")))
    for name in store.named_graphs():
        named = BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name.value)))
    return graph
