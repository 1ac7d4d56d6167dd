"""The controlled values of the table (sub-systems, kinds, statuses, levels), read from the
ontology's SKOS concept schemes so that the code never restates them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from .. import resources
from ..namespaces import scheme
from .cells import CellError, loose


@dataclass(frozen=True)
class Concept:
    iri: URIRef
    slug: str
    zh: str
    en: str
    broader: URIRef | None


@dataclass(frozen=True)
class Vocabulary:
    subsystems: tuple[Concept, ...]
    kinds: tuple[Concept, ...]
    statuses: tuple[Concept, ...]
    levels: tuple[Concept, ...]

    def by_iri(self, iri: URIRef) -> Concept | None:
        for concept in (*self.subsystems, *self.kinds, *self.statuses, *self.levels):
            if concept.iri == iri:
                return concept
        return None


@cache
def _ontology() -> Graph:
    graph = Graph()
    for path in sorted(resources.ontology_dir().glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def _concepts(graph: Graph, scheme_name: str) -> list[Concept]:
    found = []
    for iri in sorted(set(graph.subjects(SKOS.inScheme, scheme(scheme_name)))):
        labels = {lit.language: str(lit) for lit in graph.objects(iri, SKOS.prefLabel)}
        broader = graph.value(iri, SKOS.broader)
        found.append(Concept(URIRef(iri), str(iri).rsplit("/", 1)[-1], labels.get("zh", ""),
                             labels.get("en", ""), URIRef(broader) if broader else None))
    return found


@cache
def vocabulary() -> Vocabulary:
    graph = _ontology()
    kinds_and_subsystems = _concepts(graph, "standard-kind")
    subsystems = sorted((c for c in kinds_and_subsystems if c.broader is None),
                        key=lambda c: _clause(graph, c.iri))
    order = {c.iri: i for i, c in enumerate(subsystems)}
    kinds = sorted((c for c in kinds_and_subsystems if c.broader is not None),
                   key=lambda c: (order.get(c.broader, 99), _clause(graph, c.iri)))
    return Vocabulary(tuple(subsystems), tuple(kinds), tuple(_concepts(graph, "standard-status")),
                      tuple(_concepts(graph, "standard-level")))


def _clause(graph: Graph, iri: URIRef) -> tuple[int, ...]:
    from ..namespaces import BPSS

    value = str(graph.value(iri, BPSS.clause) or "")
    return tuple(int(part) for part in re.findall(r"\d+", value))


# Words counties add or drop around the scheme labels ("基础通用" for 基础通用标准 …).
_AFFIXES = re.compile(r"(标准子体系|子体系|标准|类)$")
# Status words counties write that are not the scheme's labels.
STATUS_SYNONYMS = {
    "有效": "in-force", "在用": "in-force", "现行有效": "in-force", "已发布": "in-force",
    "在研": "draft", "研制中": "draft", "起草中": "draft", "在编": "draft", "制修订中": "draft",
    "待制定": "planned", "拟编制": "planned", "计划": "planned", "待编": "planned",
    "已代替": "superseded", "已被代替": "superseded", "作废": "withdrawn", "已废止": "withdrawn",
    "正在复审": "under-review",
}
LEVEL_SYNONYMS = {
    "地方": "local", "省级地方标准": "local", "市级地方标准": "local", "行业": "industry",
    "团体": "group", "企业": "enterprise", "国家标准化指导性技术文件": "national-guidance",
    "县级": "county-spec", "县级标准规范": "county-spec", "基层服务机构规范": "institution-spec",
}


def _key(label: str) -> str:
    return _AFFIXES.sub("", loose(label))


def match(concepts: tuple[Concept, ...], value: str, synonyms: dict[str, str] | None = None,
          what: tuple[str, str] = ("值", "value")) -> Concept:
    """The concept a cell names by its zh or en label, slug, or a known synonym."""
    wanted = loose(value)
    for concept in concepts:
        if wanted in (loose(concept.zh), loose(concept.en), concept.slug):
            return concept
    for concept in concepts:
        if _key(value) and _key(value) == _key(concept.zh):
            return concept
    slug = (synonyms or {}).get(wanted)
    for concept in concepts:
        if concept.slug == slug:
            return concept
    allowed = "、".join(c.zh for c in concepts)
    raise CellError(f"不是已知的{what[0]}（可选：{allowed}）",
                    f"not a known {what[1]} (one of: {allowed})")
