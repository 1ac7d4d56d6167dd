"""What each page shows, read from the store with bound parameters (never pasted text)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..errors import BadInput, NotFound
from ..namespaces import GRAPH, ID, PREFIXES, is_division_code
from ..queries import find_query, run_library_query
from ..store import Store

BPSS = "https://w3id.org/bpss-kg/def#"
LABEL_PREDICATES = ("http://www.w3.org/2000/01/rdf-schema#label",
                    "http://www.w3.org/2004/02/skos/core#prefLabel",
                    "http://purl.org/dc/terms/title")


def short(iri: str) -> str:
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _lang(lang: str) -> str:
    """Only the two UI languages ever reach a query."""
    return "en" if lang == "en" else "zh"


def _value(term: object) -> str:
    return term.value if term is not None else ""  # type: ignore[attr-defined]


def labels_of(store: Store, iris: list[str], lang: str) -> dict[str, str]:
    """The best label of each IRI in the language asked for (zh / en fall back to each other)."""
    if not iris:
        return {}
    values = " ".join(f"<{i}>" for i in iris
                      if ":" in i and not any(c in i for c in "<> \"{}|\\^`"))
    if not values:
        return {}
    query = f"""SELECT ?s ?label WHERE {{ VALUES ?s {{ {values} }}
        ?s <{LABEL_PREDICATES[0]}>|<{LABEL_PREDICATES[1]}>|<{LABEL_PREDICATES[2]}> ?label }}"""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for solution in store.query(query):  # type: ignore[union-attr]
        label = solution["label"]
        found[solution["s"].value].setdefault(label.language or "", label.value)
    other = "en" if lang == "zh" else "zh"
    return {iri: next((langs[k] for k in (lang, other, "") if k in langs), short(iri))
            for iri, langs in found.items()}


def label(store: Store, iri: str, lang: str) -> str:
    return labels_of(store, [iri], lang).get(iri, short(iri))


HOME = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
SELECT (COUNT(DISTINCT ?system) AS ?counties) (COUNT(DISTINCT ?standard) AS ?standards) WHERE {
  ?system a bpss:CountyStandardSystem .
  OPTIONAL { ?standard bpss:inSystem ?system }
}
"""
ITEMS = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
SELECT (COUNT(?i) AS ?items) (SUM(IF(?p, 1, 0)) AS ?placeholders) WHERE {
  ?i a bpss:NationalServiceItem ; bpss:isPlaceholder ?p }
"""
LATEST_RUN = """
SELECT ?g ?t ?asOf WHERE { GRAPH ?g { ?run <http://www.w3.org/ns/prov#endedAtTime> ?t ;
  <https://w3id.org/bpss-kg/def#asOfDate> ?asOf } } ORDER BY DESC(?t) LIMIT 1
"""


def home(store: Store) -> dict[str, object]:
    counts = next(iter(store.query(HOME)))  # type: ignore[arg-type]
    items = next(iter(store.query(ITEMS)))  # type: ignore[arg-type]
    latest = list(store.query(LATEST_RUN))
    run = None
    if latest:
        graph = latest[0]["g"]
        findings = next(iter(store.query(
            "SELECT ?g (COUNT(?r) AS ?n) WHERE { GRAPH ?g { ?r a "
            "<http://www.w3.org/ns/shacl#ValidationResult> } } GROUP BY ?g",
            bindings={"g": graph})), None)
        run = {"time": latest[0]["t"].value[:19].replace("T", " "),
               "as_of": latest[0]["asOf"].value,
               "findings": int(findings["n"].value) if findings else 0}
    return {"counties": int(_value(counts["counties"]) or 0),
            "standards": int(_value(counts["standards"]) or 0),
            "items": int(_value(items["items"]) or 0),
            "placeholders": int(_value(items["placeholders"]) or 0), "run": run}


@dataclass
class Description:
    iri: str
    label: str
    types: list[tuple[str, str]] = field(default_factory=list)
    properties: list[tuple[str, str, list[tuple[str, str | None]]]] = field(default_factory=list)
    incoming: list[tuple[str, str, str, str]] = field(default_factory=list)
    incoming_total: int = 0


def describe(store: Store, iri: str, lang: str, page: int = 1, per_page: int = 50) -> Description:
    """A resource's label, types, properties (grouped) and incoming links (paginated)."""
    if not iri or any(c in iri for c in "<> \"{}|\\^`") or ":" not in iri:
        raise BadInput(f"not an absolute IRI: {iri!r}")
    node = ox.NamedNode(iri)
    outgoing = list(store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", bindings={"s": node}))
    incoming = list(store.query("SELECT ?o ?s ?p WHERE { ?s ?p ?o } LIMIT 2000",
                                bindings={"o": node}))
    if not outgoing and not incoming:
        raise NotFound(f"nothing is known about <{iri}>")
    names = labels_of(store, list({iri} | {s["p"].value for s in outgoing} |
                                  {s["o"].value for s in outgoing
                                   if isinstance(s["o"], ox.NamedNode)} |
                                  {s["s"].value for s in incoming
                                   if isinstance(s["s"], ox.NamedNode)} |
                                  {s["p"].value for s in incoming}), lang)
    result = Description(iri, names.get(iri, short(iri)))
    grouped: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    for solution in outgoing:
        predicate, value = solution["p"].value, solution["o"]
        if predicate == rdf_type:
            result.types.append((names.get(value.value, short(value.value)), value.value))
            continue
        if isinstance(value, ox.NamedNode):
            grouped[predicate].append((names.get(value.value, short(value.value)), value.value))
        else:
            text = value.value
            if isinstance(value, ox.Literal) and value.language:
                text = f"{text} @{value.language}"
            grouped[predicate].append((text, None))
    result.properties = sorted(
        ((names.get(p, short(p)), p, sorted(v)) for p, v in grouped.items()),
        key=lambda row: (row[1] not in LABEL_PREDICATES, row[0]))
    links = sorted((names.get(s["s"].value, short(s["s"].value)),
                    s["s"].value if isinstance(s["s"], ox.NamedNode) else "",
                    names.get(s["p"].value, short(s["p"].value)), s["p"].value)
                   for s in incoming)
    result.incoming_total = len(links)
    result.incoming = links[(page - 1) * per_page:page * per_page]
    return result


ONTOLOGY = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?term ?kind ?parent ?definition ?domain ?range WHERE {
  GRAPH <https://w3id.org/bpss-kg/graph/ontology> {
    VALUES (?type ?kind) { (owl:Class "class") (owl:ObjectProperty "property")
                          (owl:DatatypeProperty "property") (owl:AnnotationProperty "property") }
    ?term a ?type .
    FILTER(STRSTARTS(STR(?term), "https://w3id.org/bpss-kg/def#"))
    OPTIONAL { ?term rdfs:subClassOf|rdfs:subPropertyOf ?parent }
    OPTIONAL { ?term skos:definition ?definition FILTER(lang(?definition) = ?lang) }
    OPTIONAL { ?term rdfs:domain ?domain FILTER(isIRI(?domain)) }
    OPTIONAL { ?term rdfs:range ?range }
  }
} ORDER BY ?term
"""


def ontology(store: Store, lang: str) -> dict[str, object]:
    rows = list(store.query(ONTOLOGY.replace("?lang", f'"{_lang(lang)}"')))
    names = labels_of(store, list({r["term"].value for r in rows} |
                                  {r[k].value for r in rows for k in ("parent", "domain", "range")
                                   if r[k] is not None}), lang)
    terms: dict[str, dict[str, object]] = {}
    for row in rows:
        term = terms.setdefault(row["term"].value, {
            "iri": row["term"].value, "label": names.get(row["term"].value, ""),
            "kind": row["kind"].value, "parents": set(), "definition": _value(row["definition"]),
            "domain": _value(row["domain"]), "range": _value(row["range"])})
        if row["parent"] is not None:
            term["parents"].add(row["parent"].value)  # type: ignore[union-attr]
    classes = [t for t in terms.values() if t["kind"] == "class"]
    children: dict[str, list[dict[str, object]]] = defaultdict(list)
    roots = []
    for cls in classes:
        parents = [p for p in cls["parents"] if p in terms]  # type: ignore[union-attr]
        if parents:
            children[parents[0]].append(cls)
        else:
            roots.append(cls)

    def tree(node: dict[str, object]) -> dict[str, object]:
        return node | {"children": [tree(c) for c in sorted(children[node["iri"]],  # type: ignore[index]
                                                             key=lambda c: str(c["label"]))]}

    properties = sorted((t for t in terms.values() if t["kind"] == "property"),
                        key=lambda t: str(t["label"]))
    for prop in properties:
        prop["domain_label"] = names.get(str(prop["domain"]), short(str(prop["domain"]))) \
            if prop["domain"] else ""
        prop["range_label"] = names.get(str(prop["range"]), short(str(prop["range"]))) \
            if prop["range"] else ""
    return {"classes": [tree(r) for r in sorted(roots, key=lambda c: str(c["label"]))],
            "properties": properties}


def rows_of(store: Store, name: str, **params: str) -> list[dict[str, str]]:
    result = run_library_query(store, find_query(name), params)
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    return [{n: _value(s[n]) for n in names} for s in result]  # type: ignore[union-attr]


def national_list(store: Store) -> list[dict[str, str]]:
    return rows_of(store, "national-list-tree")


COUNTY_STANDARDS = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?g ?standard ?number ?title ?status ?kind ?subsystem WHERE {
  GRAPH ?g { ?standard a bpss:Standard ; bpss:inSystem ?system .
    OPTIONAL { ?standard bpss:standardNumber ?number }
    OPTIONAL { ?standard dcterms:title ?title FILTER(lang(?title) = "zh") }
    OPTIONAL { ?standard bpss:status ?status }
    OPTIONAL { ?standard bpss:standardKind ?kind }
    OPTIONAL { ?standard bpss:inSubSystem/bpss:subSystemType ?subsystem } }
} ORDER BY ?subsystem ?kind ?number
"""
AGREEMENTS = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
SELECT ?place ?agreement ?item ?from ?until
       (GROUP_CONCAT(DISTINCT STR(?party); separator=" ") AS ?parties) WHERE {
  ?agreement a bpss:CoordinationAgreement ; bpss:party ?place, ?party ; bpss:coordinatesItem ?item .
  OPTIONAL { ?agreement bpss:validFrom ?from } OPTIONAL { ?agreement bpss:validUntil ?until }
} GROUP BY ?place ?agreement ?item ?from ?until ORDER BY ?agreement
"""
FINDINGS = """
PREFIX sh: <http://www.w3.org/ns/shacl#>
SELECT ?g ?code ?focus ?message WHERE { GRAPH ?g {
  ?r a sh:ValidationResult ; sh:focusNode ?focus ; sh:resultMessage ?message ;
     <http://purl.org/dc/terms/identifier> ?code .
  FILTER(lang(?message) = ?lang || lang(?message) = "") } } ORDER BY ?focus
"""


def county(store: Store, code: str, lang: str) -> dict[str, object]:
    if not is_division_code(code):
        raise BadInput(f"not a six-digit county code: {code!r}")
    graph = ox.NamedNode(str(GRAPH[f"county/{code}"]))
    if graph not in store.named_graphs():
        raise NotFound(f"no standard system of county {code} in the graph")
    place = str(ID[f"place/{code}"])
    standards = [{k: _value(s[k]) for k in ("standard", "number", "title", "status", "kind",
                                            "subsystem")}
                 for s in store.query(COUNTY_STANDARDS, bindings={"g": graph})]  # type: ignore[union-attr]
    concept_names = labels_of(store, list({s[k] for s in standards for k in ("status", "kind",
                                                                            "subsystem") if s[k]}),
                              lang)
    tree: dict[str, dict[str, list[dict[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for standard in standards:
        standard["status_label"] = concept_names.get(standard["status"], "")
        tree[concept_names.get(standard["subsystem"], "—")][
            concept_names.get(standard["kind"], "—")].append(standard)
    coverage = rows_of(store, "coverage-by-county", county=code)
    indicators = rows_of(store, "county-indicators", county=code)
    agreements = [{k: _value(s[k]) for k in ("agreement", "item", "from", "until", "parties")}
                  for s in store.query(AGREEMENTS, bindings={"place": ox.NamedNode(place)})]  # type: ignore[union-attr]
    latest = list(store.query(LATEST_RUN))
    findings = []
    if latest:
        findings = [{"focus": s["focus"].value, "message": s["message"].value}
                    for s in store.query(FINDINGS.replace("?lang", f'"{_lang(lang)}"'),
                                         bindings={"g": latest[0]["g"],
                                                   "code": ox.Literal(code)})]  # type: ignore[union-attr]
    names = labels_of(store, [place] + [a["item"] for a in agreements] +
                      [a["agreement"] for a in agreements] + [f["focus"] for f in findings],
                      lang)
    return {"code": code, "name": names.get(place, code), "place": place,
            "tree": {k: dict(v) for k, v in sorted(tree.items())},
            "standards": len(standards), "coverage": coverage[0] if coverage else None,
            "indicators": indicators, "agreements": agreements, "findings": findings,
            "labels": names, "validated": bool(latest)}


def compare(store: Store, codes: list[str], lang: str) -> dict[str, object]:
    if not 2 <= len(codes) <= 4:
        raise BadInput("compare takes 2 to 4 county codes")
    for code in codes:
        if not is_division_code(code):
            raise BadInput(f"not a six-digit county code: {code!r}")
        if ox.NamedNode(str(GRAPH[f"county/{code}"])) not in store.named_graphs():
            raise NotFound(f"no standard system of county {code} in the graph")
    params = {f"county{i}": code for i, code in enumerate(codes, start=1)}
    items = rows_of(store, "compare-counties", **params)
    indicators: dict[str, dict[str, dict[str, str]]] = defaultdict(dict)
    units: dict[str, str] = {}
    baselines: dict[str, str] = {}
    for code in codes:
        for row in rows_of(store, "county-indicators", county=code):
            key = f"{row['indicatorName']} ({row['year']})"
            indicators[key][code] = row["value"]
            units[key], baselines[key] = row["unit"], row["baseline"]
    names = labels_of(store, [str(ID[f"place/{c}"]) for c in codes], lang)
    return {"codes": codes, "names": [names.get(str(ID[f"place/{c}"]), c) for c in codes],
            "items": items, "indicators": dict(sorted(indicators.items())), "units": units,
            "baselines": baselines}
