"""A county graph → the rows of its standard detail table and indicator sheet."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from ..editions import edition_iri
from ..namespaces import BPSS, ID, county_graph, county_system, standard
from ..store.base import Store
from .cells import CellError, standard_number
from .reference import Reference, reference_for
from .tablepart import table_part
from .vocabulary import vocabulary

_NATIONAL_ITEM = re.compile(r"^" + re.escape(str(ID["list/national-2023/item/"])) + r"(\d+)$")
_NUMBERS = """
PREFIX bpss: <https://w3id.org/bpss-kg/def#>
SELECT ?s ?number WHERE { GRAPH ?g { ?s bpss:standardNumber ?number } }
"""

Row = dict[str, object]


def _joined(values: list[str]) -> str:
    return "；".join(values)


def _zh(graph: Graph, subject: URIRef, predicate: URIRef) -> str:
    for value in graph.objects(subject, predicate):
        if isinstance(value, Literal) and value.language == "zh":
            return str(value)
    return ""


def _date(graph: Graph, subject: URIRef, predicate: URIRef) -> date | None:
    value = graph.value(subject, predicate)
    if value is None:
        return None
    parsed = value.toPython() if isinstance(value, Literal) else None
    return parsed if isinstance(parsed, date) else None


def county_rows(store: Store, county: str) -> tuple[list[Row], list[Row], Reference]:
    """Rows of the standards sheet and of the indicator sheet for one county in the store."""
    ref = reference_for(store, county)
    numbers = {URIRef(s["s"].value): s["number"].value
               for s in store.query(_NUMBERS)}  # type: ignore[union-attr]
    part = table_part(ref.current, county)
    return _standard_rows(part, county, ref, numbers), _indicator_rows(part, ref), ref


def _standard_rows(part: Graph, county: str, ref: Reference,
                   numbers: dict[URIRef, str]) -> list[Row]:
    vocab = vocabulary()
    local_item = re.compile(r"^" + re.escape(str(ID[f"list/county/{county}/item/"])) + r"(\d+)$")
    sub_prefix = str(ID[f"system/county/{county}/"])
    by_slug = {c.slug: c for c in vocab.subsystems}
    order = {c.slug: i for i, c in enumerate(vocab.subsystems)}

    def number_or_iri(iri: URIRef) -> str:
        return numbers.get(iri) or str(iri)

    def item_text(iri: URIRef) -> str:
        national = _NATIONAL_ITEM.match(str(iri))
        if national:
            return national.group(1)
        local = local_item.match(str(iri))
        return f"地方{local.group(1)}" if local else str(iri)

    def label(iri: URIRef | None) -> str:
        if iri is None:
            return ""
        concept = vocab.by_iri(iri)
        return concept.zh if concept else str(iri)

    system = county_system(county)
    entries = {part.value(e, BPSS.memberStandard): e for e in part.subjects(BPSS.memberOf, system)}
    adoption_text = {BPSS.AdoptedStandard: "采用", BPSS.OwnStandard: "自制"}
    rows = []
    for s in set(part.subjects(RDF.type, BPSS.Standard)):
        # kind, sub-system and number come from the standard's entry in this system; older
        # data (not migrated) has them on the standard itself
        row_of = entries.get(s, s)
        sub = part.value(row_of, BPSS.inSubSystem)
        slug = str(sub)[len(sub_prefix):] if sub is not None and str(sub).startswith(
            sub_prefix) else None
        issuer = part.value(s, BPSS.issuedBy)
        title_en = next((str(t) for t in part.objects(s, DCTERMS.title)
                         if isinstance(t, Literal) and t.language == "en"), "")
        synthetic = part.value(s, BPSS.isSynthetic)
        rows.append({
            "system_number": str(part.value(row_of, BPSS.systemNumber) or ""),
            "title": _zh(part, s, DCTERMS.title),
            "number": str(part.value(s, BPSS.standardNumber) or ""),
            "level": label(part.value(s, BPSS.level)),
            "implemented": _date(part, s, BPSS.implementationDate),
            "supersedes": _joined(sorted(number_or_iri(o)
                                         for o in part.objects(s, BPSS.supersedes))),
            "notes": _zh(part, s, RDFS.comment),
            "subsystem": by_slug[slug].zh if slug in by_slug else (str(sub) if sub else ""),
            "kind": _joined(sorted(label(k) for k in part.objects(row_of, BPSS.standardKind))),
            "adoption": adoption_text.get(part.value(row_of, BPSS.adoption), ""),  # type: ignore[arg-type]
            "member_since": _date(part, row_of, BPSS.memberSince),
            "items": _joined(sorted(item_text(i) for i in part.objects(s, BPSS.implementsItem))),
            "status": label(part.value(s, BPSS.status)),
            "issuer": (ref.label(issuer) or ref.label(issuer, "en") or "") if issuer else "",
            "issuer_iri": str(issuer) if issuer else "",
            "issued": _date(part, s, DCTERMS.issued),
            "reviewed": _date(part, s, BPSS.lastReviewDate),
            "title_en": title_en,
            "references": _joined(sorted(number_or_iri(o)
                                         for o in part.objects(s, BPSS.normativeReference))),
            "source": _joined(sorted(_source_text(o) for o in part.objects(s, DCTERMS.source))),
            "synthetic": "" if synthetic is None else ("是" if synthetic.toPython() else "否"),
            "iri": "" if s == _derived_iri(part, s, row_of, county) else str(s),
            "_order": (order.get(slug or "", 9), str(part.value(row_of, BPSS.systemNumber) or "~"),
                       str(part.value(s, BPSS.standardNumber) or ""), str(s)),
        })
    rows.sort(key=lambda r: r.pop("_order"))  # type: ignore[arg-type,return-value]
    for position, row in enumerate(rows, start=1):
        row["row_no"] = position
    return rows


def _derived_iri(part: Graph, s: URIRef, row_of: URIRef, county: str) -> URIRef | None:
    """The IRI an import gives this row (from the number, else the system number)."""
    number = part.value(s, BPSS.standardNumber)
    if number is not None:
        return URIRef(standard(str(number)))
    system_number = part.value(row_of, BPSS.systemNumber)
    return ID[f"standard/county/{county}/{system_number}"] if system_number else None


def _source_text(iri: URIRef) -> str:
    prefix = str(ID["source/"])
    return str(iri)[len(prefix):] if str(iri).startswith(prefix) else str(iri)


def _indicator_rows(part: Graph, ref: Reference) -> list[Row]:
    rows = []
    for obs in set(part.subjects(RDF.type, BPSS.IndicatorObservation)):
        indicator = part.value(obs, BPSS.indicator)
        name = ref.label(indicator) if indicator is not None else None
        if name is None or len(ref.find("indicator", name)) != 1:
            name = str(indicator or "")
        value = part.value(obs, BPSS.observedValue)
        year = part.value(obs, BPSS.refYear)
        synthetic = part.value(obs, BPSS.isSynthetic)
        rows.append({
            "indicator": name,
            "year": int(str(year)[:4]) if year is not None and str(year)[:4].isdigit()
            else str(year or ""),
            "value": _number_cell(value),
            "unit": ref.units.get(indicator, "") if indicator is not None else "",
            "source": _joined(sorted(_source_text(o) for o in part.objects(obs, DCTERMS.source))),
            "synthetic": "" if synthetic is None else ("是" if synthetic.toPython() else "否"),
        })
    rows.sort(key=lambda r: (str(r["indicator"]), str(r["year"])))
    for position, row in enumerate(rows, start=1):
        row["row_no"] = position
    return rows


def _number_cell(value: object) -> object:
    """A float when it reads back as the same decimal, else the exact text."""
    if value is None:
        return ""
    lexical = str(value)
    try:
        as_float = float(lexical)
    except ValueError:
        return lexical
    return as_float if Decimal(repr(as_float)) == Decimal(lexical) else lexical


def county_record_rows(store: Store, county: str) -> list[Row]:
    """Rows of the 监测评估 sheet for one county (the records the sheet carries)."""
    from .tablepart import records_part

    ref = reference_for(store, county)
    return record_rows(records_part(ref.current, county), county, ref)


def _standard_text(part: Graph, iri: object, ref: Reference) -> str:
    """A standard as the sheet names it: its number when the number gives back this IRI."""
    for graph in (part, ref.current):
        number = graph.value(iri, BPSS.standardNumber)  # type: ignore[arg-type]
        if number is not None:
            try:
                if URIRef(standard(standard_number(str(number)))) == iri:
                    return str(number)
            except CellError:
                pass
    return str(iri)


def _edition_text(iri: object, county: str) -> str:
    """An edition as the sheet names it: its number when it is one of the county graph's."""
    if iri is None:
        return ""
    graph = str(county_graph(county))
    number = str(iri).rsplit("/", 1)[-1]
    return number if number.isdigit() and edition_iri(graph, int(number)) == str(iri) \
        else str(iri)


def record_rows(part: Graph, county: str, ref: Reference) -> list[Row]:
    from .records import KINDS, record_id_of

    kinds = {k.cls: k for k in KINDS}
    records = {r: kinds[c] for c in kinds for r in part.subjects(RDF.type, c)}
    ids = {r: record_id_of(county, r, k.cls) or "" for r, k in records.items()}
    taken = Counter(ids.values())
    rows = []
    for record, kind in records.items():
        def one(p: URIRef, record: URIRef = record) -> object:
            return part.value(record, p)

        def zh(p: URIRef, record: URIRef = record) -> str:
            return _joined(sorted(str(o) for o in part.objects(record, p)
                                  if isinstance(o, Literal) and o.language == "zh"))

        scores, scales = [], set()
        for score in part.subjects(BPSS.scoreOf, record):
            item = part.value(score, BPSS.scoredItem)
            national = _NATIONAL_ITEM.match(str(item))
            scores.append((national.group(1) if national else str(item),
                           str(part.value(score, BPSS.scoreValue))))
            scales.add(str(part.value(score, BPSS.scoreScale) or "100"))
        asked = one(BPSS.requiredBy)
        asked_text = str(asked or "")
        if asked in ids and ids[asked] and taken[ids[asked]] == 1:
            asked_text = ids[asked]
        indicator = one(BPSS.warningIndicator)
        indicator_name = ref.label(indicator) if indicator is not None else None
        if indicator is not None and (indicator_name is None
                                      or len(ref.find("indicator", indicator_name)) != 1):
            indicator_name = str(indicator)
        status = one(BPSS.actionStatus)
        synthetic = one(BPSS.isSynthetic)
        size = one(BPSS.sampleSize)
        rows.append({
            "record_type": kind.zh, "record_id": ids[record], "record_name": zh(RDFS.label),
            "record_date": _date(part, record, DCTERMS.date),
            "period_start": _date(part, record, BPSS.periodStart),
            "period_end": _date(part, record, BPSS.periodEnd),
            "method": zh(BPSS.method), "finding": zh(BPSS.finding),
            "sample_size": int(str(size)) if size is not None else "",
            "groups": _joined(sorted(str(o) for o in part.objects(record, BPSS.respondentGroup)
                                     if isinstance(o, Literal) and o.language == "zh")),
            "scores": "；".join(f"{i}:{v}" for i, v in sorted(scores)),
            "scale": next(iter(scales)) if len(scales) == 1 and scales != {"100"} else "",
            "indicator": indicator_name or "",
            "threshold": _number_cell(one(BPSS.threshold)),
            "warning_value": _number_cell(one(BPSS.warningValue)),
            "raised_on": _date(part, record, BPSS.raisedOn),
            "action_text": zh(BPSS.actionText), "required_by": asked_text,
            "due_date": _date(part, record, BPSS.dueDate),
            "action_status": {"open": "未完成", "closed": "已完成"}.get(
                str(status).rsplit("/", 1)[-1], str(status)) if status is not None else "",
            "closed_on": _date(part, record, BPSS.closedOn),
            "under_standard": _joined(sorted(_standard_text(part, o, ref) for o in
                                             part.objects(record, BPSS.underStandard))),
            "carried_out_in": _edition_text(one(BPSS.carriedOutIn), county),
            "source": _joined(sorted(_source_text(o)
                                     for o in part.objects(record, DCTERMS.source))),
            "synthetic": "" if synthetic is None else ("是" if synthetic.toPython() else "否"),
        })
    rows.sort(key=lambda r: (str(r["record_type"]), str(r["record_id"])))
    for position, row in enumerate(rows, start=1):
        row["row_no"] = position
    return rows
