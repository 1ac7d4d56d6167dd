"""What the standard detail table carries of a county graph, and how an import merges into it.

The **table part** of a county graph (``table_part``) is exactly what a table import writes and
an XLSX export reads:

- every ``bpss:Standard`` in the graph, with ``rdf:type``, ``dcterms:title`` (zh, en),
  ``rdfs:label`` (zh), ``standardNumber``, ``level``, ``status``, ``inSystem``,
  ``dcterms:issued``, ``implementationDate``,
  ``lastReviewDate``, ``issuedBy``, ``supersedes``, ``normativeReference``, ``implementsItem``,
  ``rdfs:comment`` (zh, the 备注 column), ``dcterms:source``, ``isSynthetic``; and
  ``replacedBy`` where the replacing standard, in the same graph, states ``supersedes`` (the
  import derives it from 被代替标准号); older data's ``systemNumber``, ``standardKind`` and
  ``inSubSystem`` on a standard count too, so that an import replaces them by an entry;
- every entry of the county system's table (``bpss:SystemMembership`` with ``memberOf`` the
  system): ``rdf:type``, ``memberOf``, ``memberStandard``, ``standardKind``, ``inSubSystem``,
  ``systemNumber``, ``adoption``, ``memberSince`` (not its ``dcterms:source`` /
  ``isSynthetic``: an entry keeps the provenance it was first written with);
- the sub-systems that hold a standard (``rdf:type``, ``subSystemType``) and, for the county
  system, ``rdf:type``, ``forDivision``, ``systemLayer`` and ``hasSubSystem`` to those;
- organisations the import created for issuers named but not found (``org/{code}/issuer-…``);
- the indicator observations (type, ``qb:dataSet``, ``indicator``, ``observedValue``,
  ``refArea``, ``refYear``, ``dcterms:source``, ``isSynthetic``) and their dataset's type,
  structure and ``forDivision``;
- the monitoring and improvement records of the 监测评估 sheet (effect assessments,
  satisfaction surveys, monitoring warnings, improvement actions: ``RECORD_PREDICATES``, their
  Chinese texts only) and their ``bpss:AssessmentScore`` nodes. An import without that sheet
  keeps the county's records as they are.

Everything else is **not carried**: other process records (proposal, drafting, inspection…),
coordination agreements, organisations described in the county graph, the local list and its
items, ``declaresItem`` and coverage justifications, ``servesPrinciple``, labels of the system,
sub-systems and dataset, English comments. An import keeps all of that as it is in the store
(``merge``), so importing a county's own export changes nothing.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, QB, RDF, RDFS

from ..namespaces import BPSS, ID, county_system

STANDARD_PREDICATES = frozenset({
    RDF.type, DCTERMS.title, RDFS.label, BPSS.standardNumber, BPSS.systemNumber, BPSS.level,
    BPSS.status, BPSS.standardKind, BPSS.inSystem, BPSS.inSubSystem, DCTERMS.issued,
    BPSS.implementationDate, BPSS.lastReviewDate, BPSS.issuedBy, BPSS.supersedes,
    BPSS.replacedBy, BPSS.normativeReference, BPSS.implementsItem, RDFS.comment,
    DCTERMS.source, BPSS.isSynthetic,
})
MEMBERSHIP_PREDICATES = frozenset({
    BPSS.memberOf, BPSS.memberStandard, BPSS.standardKind, BPSS.inSubSystem, BPSS.systemNumber,
    BPSS.adoption, BPSS.memberSince,
})
OBSERVATION_PREDICATES = frozenset({
    RDF.type, QB.dataSet, BPSS.indicator, BPSS.observedValue, BPSS.refArea, BPSS.refYear,
    DCTERMS.source, BPSS.isSynthetic,
})


RECORD_PREDICATES = frozenset({
    RDF.type, RDFS.label, DCTERMS.date, BPSS.evaluates, BPSS.periodStart, BPSS.periodEnd,
    BPSS.method, BPSS.finding, BPSS.sampleSize, BPSS.respondentGroup, BPSS.warningIndicator,
    BPSS.threshold, BPSS.warningValue, BPSS.raisedOn, BPSS.actionText, BPSS.requiredBy,
    BPSS.dueDate, BPSS.actionStatus, BPSS.closedOn, BPSS.underStandard, BPSS.carriedOutIn,
    DCTERMS.source, BPSS.isSynthetic,
})
"""Of a monitoring record, what the 监测评估 sheet carries (language-tagged values: @zh only)."""
SCORE_PREDICATES = frozenset({
    RDF.type, BPSS.scoreOf, BPSS.scoredItem, BPSS.scoreValue, BPSS.scoreScale, DCTERMS.source,
    BPSS.isSynthetic,
})


def _carried_literal(o: object) -> bool:
    return not isinstance(o, Literal) or o.language in (None, "zh")


def minted_org_prefix(code: str) -> str:
    return str(ID[f"org/{code}/issuer-"])


def _standard_triple(graph: Graph, s: URIRef, p: URIRef, o: object) -> bool:
    if p not in STANDARD_PREDICATES:
        return False
    if p == RDF.type:
        return o == BPSS.Standard
    if p == RDFS.label or p == RDFS.comment:
        return isinstance(o, Literal) and o.language == "zh"
    if p == DCTERMS.title:
        return isinstance(o, Literal) and o.language in ("zh", "en")
    if p == BPSS.replacedBy:
        return (o, BPSS.supersedes, s) in graph and (o, RDF.type, BPSS.Standard) in graph
    return True


def table_part(graph: Graph, code: str) -> Graph:
    """The part of a county graph that the standard detail table carries (module docstring)."""
    part = Graph()
    standards = set(graph.subjects(RDF.type, BPSS.Standard))
    used_subsystems = set()
    for s in standards:
        for p, o in graph.predicate_objects(s):
            if _standard_triple(graph, s, p, o):
                part.add((s, p, o))
                if p == BPSS.inSubSystem:
                    used_subsystems.add(o)
    system = county_system(code)
    for entry in set(graph.subjects(BPSS.memberOf, system)):
        if (entry, RDF.type, BPSS.SystemMembership) not in graph:
            continue
        part.add((entry, RDF.type, BPSS.SystemMembership))
        for p, o in graph.predicate_objects(entry):
            if p in MEMBERSHIP_PREDICATES:
                part.add((entry, p, o))
                if p == BPSS.inSubSystem:
                    used_subsystems.add(o)
    if standards:
        for p in (RDF.type, BPSS.forDivision, BPSS.systemLayer):
            for o in graph.objects(system, p):
                if p != RDF.type or o == BPSS.CountyStandardSystem:
                    part.add((system, p, o))
    for sub in used_subsystems:
        if (system, BPSS.hasSubSystem, sub) in graph:
            part.add((system, BPSS.hasSubSystem, sub))
        if (sub, RDF.type, BPSS.SubSystem) in graph:
            part.add((sub, RDF.type, BPSS.SubSystem))
        for o in graph.objects(sub, BPSS.subSystemType):
            part.add((sub, BPSS.subSystemType, o))
    prefix = minted_org_prefix(code)
    for org in set(graph.subjects(RDF.type, ORG.Organization)):
        if str(org).startswith(prefix):
            part.add((org, RDF.type, ORG.Organization))
            for label in graph.objects(org, RDFS.label):
                if isinstance(label, Literal) and label.language == "zh":
                    part.add((org, RDFS.label, label))
    part += observations_part(graph)
    part += records_part(graph, code)
    return part


def records_part(graph: Graph, code: str) -> Graph:
    """The monitoring and improvement records, as far as the 监测评估 sheet carries them, and
    their scores: those whose IRI the sheet gives (``process/{code}/{kind}/{id}``); a record
    with another IRI is not carried."""
    from .records import RECORD_CLASSES, record_id_of

    part = Graph()
    records = {s for cls in RECORD_CLASSES for s in graph.subjects(RDF.type, cls)
               if record_id_of(code, s, cls) is not None}
    for record in records:
        for p, o in graph.predicate_objects(record):
            if p in RECORD_PREDICATES and (p != RDF.type or o in RECORD_CLASSES) \
                    and _carried_literal(o):
                part.add((record, p, o))
    for score in set(graph.subjects(BPSS.scoreOf, None)):
        if graph.value(score, BPSS.scoreOf) in records:
            for p, o in graph.predicate_objects(score):
                if p in SCORE_PREDICATES:
                    part.add((score, p, o))
    return part


def observations_part(graph: Graph) -> Graph:
    """The indicator observations and their dataset, as far as the table carries them."""
    part = Graph()
    datasets = set()
    for obs in set(graph.subjects(RDF.type, BPSS.IndicatorObservation)):
        for p, o in graph.predicate_objects(obs):
            if p in OBSERVATION_PREDICATES and (
                    p != RDF.type or o in (QB.Observation, BPSS.IndicatorObservation)):
                part.add((obs, p, o))
                if p == QB.dataSet:
                    datasets.add(o)
    for dataset in datasets:
        for p in (RDF.type, QB.structure, BPSS.forDivision):
            for o in graph.objects(dataset, p):
                if p != RDF.type or o == QB.DataSet:
                    part.add((dataset, p, o))
    return part


def merge(current: Graph, table: Graph, code: str, county_name: str | None) -> Graph:
    """The county graph after importing ``table``: the table part replaced, the rest kept.

    Standards, observations, sub-systems and created issuers that the new table no longer
    lists lose all their triples; labels are given to the system, sub-systems and dataset
    that have none.
    """
    old_part = table_part(current, code)
    system = county_system(code)
    old_owned = set(old_part.subjects()) - {system}
    new_owned = set(table.subjects())
    result = Graph()
    for triple in current:
        if triple in old_part:
            continue
        if triple[0] in old_owned and triple[0] not in new_owned:
            continue
        result.add(triple)
    result += table
    name = county_name or code
    _label_if_missing(result, system, f"{name}基本公共服务标准体系")
    from .vocabulary import vocabulary

    names = {c.iri: c.zh for c in vocabulary().subsystems}
    for sub in set(table.subjects(RDF.type, BPSS.SubSystem)):
        kind = table.value(sub, BPSS.subSystemType)
        _label_if_missing(result, sub, f"{name}{names.get(kind, '')}标准子体系")
    for dataset in set(table.subjects(RDF.type, QB.DataSet)):
        _label_if_missing(result, dataset, f"{name}基本公共服务指标")
    return result


def _label_if_missing(graph: Graph, subject: URIRef, label: str) -> None:
    if (subject, None, None) in graph and graph.value(subject, RDFS.label) is None:
        graph.add((subject, RDFS.label, Literal(label, lang="zh")))
