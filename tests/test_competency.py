"""Competency questions (issue 17): what a researcher or a county standardization office asks,
each written as SPARQL against the model (not the query library) and run on a real Oxigraph store
holding the sample. Each answer is computed a second time, independently, by walking the sample
files with rdflib in plain Python, and the two must agree exactly; an empty answer fails, so a
question cannot pass by matching nothing."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Dataset, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from bpss_kg.loading import load_sample
from bpss_kg.national_list import build_national_list
from bpss_kg.store import OxigraphStore

ROOT = Path(__file__).resolve().parents[1]
BPSS = Namespace("https://w3id.org/bpss-kg/def#")
ID = "https://w3id.org/bpss-kg/id/"
WITHDRAWN = URIRef(ID + "concept/standard-status/withdrawn")
NATIONAL_LEVEL = ID + "concept/standard-level/national"
PREFIXES = "PREFIX bpss: <https://w3id.org/bpss-kg/def#>\n"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    handle = OxigraphStore(tmp_path_factory.mktemp("competency") / "store")
    load_sample(handle)
    yield handle
    handle.close()


@pytest.fixture(scope="module")
def files() -> Dataset:
    """The sample files themselves, read with rdflib (the independent side)."""
    data = Dataset(default_union=True)
    for path in sorted((ROOT / "data" / "sample").glob("*.trig")):
        data.parse(path, format="trig")
    return data


def ask(store, sparql: str) -> set[tuple[str | None, ...]]:
    result = store.query(PREFIXES + sparql)
    names = [v.value for v in result.variables]
    return {tuple(None if s[n] is None else s[n].value for n in names) for s in result}



def test_citations_of_withdrawn_standards_and_their_replacements(store, files):
    """Which standards cite a withdrawn standard, and what replaces it (if anything)?"""
    got = ask(store, """
        SELECT DISTINCT ?citing ?withdrawn ?replacement WHERE {
          ?citing bpss:normativeReference ?withdrawn .
          ?withdrawn bpss:status <https://w3id.org/bpss-kg/id/concept/standard-status/withdrawn> .
          OPTIONAL { ?withdrawn bpss:replacedBy ?replacement }
        }""")
    expected = set()
    for citing, _, cited in files.triples((None, BPSS.normativeReference, None)):
        if (cited, BPSS.status, WITHDRAWN) in files:
            replacements = list(files.objects(cited, BPSS.replacedBy)) or [None]
            expected |= {(str(citing), str(cited), None if r is None else str(r))
                         for r in replacements}
    assert expected and got == expected


def test_superseded_standards_still_in_a_county_system(store, files):
    """Which replaced standards does a county system still list, and what replaces them?"""
    got = ask(store, """
        SELECT DISTINCT ?system ?old ?new WHERE {
          ?old bpss:inSystem ?system ; bpss:replacedBy ?new .
        }""")
    expected = {(str(system), str(old), str(new))
                for old, _, system in files.triples((None, BPSS.inSystem, None))
                for new in files.objects(old, BPSS.replacedBy)}
    assert expected and got == expected


def test_local_additions_with_their_fiscal_basis(store, files):
    """Which local additions does each county list, and on what fiscal basis?"""
    got = ask(store, """
        SELECT ?item ?basis WHERE { ?item a bpss:LocalServiceItem ; bpss:fiscalBasis ?basis . }""")
    expected = {(str(i), str(b))
                for i in files.subjects(RDF.type, BPSS.LocalServiceItem)
                for b in files.objects(i, BPSS.fiscalBasis)}
    assert expected and got == expected


def test_national_standards_referenced_and_their_kind(store, files):
    """Which national standards do county standards reference, and under which kind does the
    citing county's system hold them (its table entry; none when the system does not adopt it)?"""
    got = ask(store, """
        SELECT DISTINCT ?system ?national ?kind WHERE {
          ?local bpss:normativeReference ?national ; bpss:inSystem ?system .
          ?national bpss:level ?level .
          FILTER(STRSTARTS(STR(?level), "https://w3id.org/bpss-kg/id/concept/standard-level/national"))
          OPTIONAL { ?entry bpss:memberStandard ?national ; bpss:memberOf ?system ;
                            bpss:standardKind ?kind }
        }""")
    expected = set()
    for local, _, national in files.triples((None, BPSS.normativeReference, None)):
        levels = files.objects(national, BPSS.level)
        if not any(str(level).startswith(NATIONAL_LEVEL) for level in levels):
            continue
        for system in files.objects(local, BPSS.inSystem):
            kinds = [k for entry in files.subjects(BPSS.memberStandard, national)
                     if (entry, BPSS.memberOf, system) in files
                     for k in files.objects(entry, BPSS.standardKind)] or [None]
            expected |= {(str(system), str(national), None if k is None else str(k))
                         for k in kinds}
    assert expected and got == expected
    assert {k for _, _, k in got if k} and None in {k for _, _, k in got}


def test_same_prefecture_county_pairs_without_an_agreement(store, files):
    """Which pairs of sample counties in one prefecture report no coordination agreement?
    Independently: the prefecture is the first four digits of the GB/T 2260 code."""
    got = ask(store, """
        SELECT DISTINCT ?a ?b WHERE {
          ?sa bpss:forDivision ?a . ?sb bpss:forDivision ?b .
          ?a a bpss:County ; bpss:inPrefecture ?p . ?b a bpss:County ; bpss:inPrefecture ?p .
          FILTER(STR(?a) < STR(?b))
          FILTER NOT EXISTS { ?g a bpss:CoordinationAgreement ; bpss:party ?a, ?b . }
        }""")
    counties = {str(o) for o in files.objects(None, BPSS.forDivision)
                if str(o).startswith(ID + "place/")}
    code = {c: c.rsplit("/", 1)[1] for c in counties}
    agreed = set()
    for agreement in files.subjects(RDF.type, BPSS.CoordinationAgreement):
        parties = {str(p) for p in files.objects(agreement, BPSS.party)}
        agreed |= {(a, b) for a in parties for b in parties if a < b}
    pairs = {(a, b) for a in counties for b in counties
             if a < b and code[a][:4] == code[b][:4]}
    assert pairs, "the sample has counties sharing a prefecture"
    assert got == pairs - agreed


def test_below_baseline_by_province_and_year(store, files):
    """How many county observations fall short of the national baseline, per province and year?
    Independently: the province is the first two digits of the county code."""
    got = ask(store, """
        SELECT ?province ?year (COUNT(?obs) AS ?n) WHERE {
          ?obs bpss:indicator ?ind ; bpss:refArea ?area ; bpss:refYear ?year ;
               bpss:observedValue ?value .
          ?area bpss:inProvince ?province .
          ?ind bpss:nationalBaseline ?base ; bpss:baselineDirection ?dir .
          FILTER((?dir = <https://w3id.org/bpss-kg/id/concept/baseline-direction/at-least>
                  && ?value < ?base)
                 || (?dir = <https://w3id.org/bpss-kg/id/concept/baseline-direction/at-most>
                     && ?value > ?base))
        } GROUP BY ?province ?year""")
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for obs, _, value in files.triples((None, BPSS.observedValue, None)):
        indicator = files.value(obs, BPSS.indicator)
        base = files.value(indicator, BPSS.nationalBaseline)
        direction = str(files.value(indicator, BPSS.baselineDirection))
        if base is None:
            continue
        short = (value.toPython() < base.toPython() if direction.endswith("/at-least")
                 else value.toPython() > base.toPython())
        if short:
            code = str(files.value(obs, BPSS.refArea)).rsplit("/", 1)[1]
            counts[(f"{ID}place/{code[:2]}0000", str(files.value(obs, BPSS.refYear)))] += 1
    expected = {(p, y, str(n)) for (p, y), n in counts.items()}
    assert expected and got == expected


def test_dispersion_of_an_indicator(store, files):
    """How dispersed are counties on each indicator and year (coefficient of variation)?
    SPARQL has no square root: it gives mean and mean of squares; Python takes the root and
    compares with statistics.pstdev over the values read from the files."""
    result = ask(store, """
        SELECT ?ind ?year (AVG(?v) AS ?mean) (AVG(?v * ?v) AS ?square) WHERE {
          ?obs bpss:indicator ?ind ; bpss:refYear ?year ; bpss:observedValue ?v .
        } GROUP BY ?ind ?year""")
    got = {(ind, year): math.sqrt(max(float(sq) - float(m) ** 2, 0.0)) / float(m)
           for ind, year, m, sq in result}
    values: dict[tuple[str, str], list[float]] = defaultdict(list)
    for obs, _, value in files.triples((None, BPSS.observedValue, None)):
        values[(str(files.value(obs, BPSS.indicator)), str(files.value(obs, BPSS.refYear)))] \
            .append(float(value))
    expected = {k: statistics.pstdev(v) / statistics.fmean(v) for k, v in values.items()}
    assert expected and set(got) == set(expected)
    assert any(cv > 0 for cv in expected.values())
    for key, cv in expected.items():
        assert got[key] == pytest.approx(cv, rel=1e-6, abs=1e-9), key


def test_one_gbt_standard_in_two_systems_with_two_kinds(store, files):
    """Which kind and system number does GB/T 43507—2023 have in each county system that
    adopts it? Per system, from its table entry (issue 17 point 1): one kind and one number
    each, different between the counties, and nothing on the standard itself to mix them."""
    gbt = ID + "standard/GB-T-43507-2023"
    got = ask(store, f"""
        SELECT ?system ?kind ?number ?adoption WHERE {{
          ?entry bpss:memberStandard <{gbt}> ; bpss:memberOf ?system ;
                 bpss:standardKind ?kind ; bpss:systemNumber ?number ;
                 bpss:adoption ?adoption . }}""")
    expected = {(str(files.value(e, BPSS.memberOf)), str(files.value(e, BPSS.standardKind)),
                 str(files.value(e, BPSS.systemNumber)), str(files.value(e, BPSS.adoption)))
                for e in files.subjects(BPSS.memberStandard, URIRef(gbt))}
    assert len(expected) >= 2 and got == expected
    assert len({system for system, *_ in got}) == len(got)  # one entry per system
    assert len({kind for _, kind, _, _ in got}) >= 2 and len({n for _, _, n, _ in got}) >= 2
    assert {a for *_, a in got} == {str(BPSS.AdoptedStandard)}
    assert ask(store, f"""SELECT ?p ?o WHERE {{ <{gbt}> ?p ?o .
        FILTER(?p IN (bpss:standardKind, bpss:inSubSystem, bpss:systemNumber)) }}""") == set()


def test_stale_standards_in_force(store, files):
    """Which standards in force were last issued or reviewed more than five years before
    2026-06-30 (复审周期一般不超过五年, Standardization Law)?"""
    got = ask(store, """
        SELECT ?standard WHERE {
          ?standard bpss:status <https://w3id.org/bpss-kg/id/concept/standard-status/in-force> ;
                    <http://purl.org/dc/terms/issued> ?issued .
          OPTIONAL { ?standard bpss:lastReviewDate ?review }
          BIND(IF(BOUND(?review) && ?review > ?issued, ?review, ?issued) AS ?last)
          FILTER(?last < "2021-06-30"^^<http://www.w3.org/2001/XMLSchema#date>)
        }""")
    in_force = URIRef(ID + "concept/standard-status/in-force")
    expected = set()
    for standard in set(files.subjects(BPSS.status, in_force)):
        dates = [d.toPython() for d in files.objects(standard, DCTERMS.issued)]
        if not dates:
            continue
        dates += [d.toPython() for d in files.objects(standard, BPSS.lastReviewDate)]
        if max(dates) < date(2021, 6, 30):
            expected.add((str(standard),))
    assert expected and got == expected


def test_coverage_gaps_of_each_county_by_area(store, files):
    """Which named national items has each county not covered, per area? An item is covered by
    a standard of the system that is neither withdrawn nor superseded (issue 17 point 7), or
    excused by a dated justification. Independently: the national list as built from its table,
    walked in Python together with the counties' sample files."""
    got = ask(store, f"""
        SELECT ?system ?area ?item WHERE {{
          ?system a bpss:CountyStandardSystem .
          ?item a bpss:NationalServiceItem ; bpss:isPlaceholder false ;
                <{SKOS.broader}>/<{SKOS.broader}> ?area .
          FILTER NOT EXISTS {{
            ?s bpss:inSystem ?system ; bpss:implementsItem ?item .
            FILTER NOT EXISTS {{ ?s bpss:status ?st .
              FILTER(?st IN (<{ID}concept/standard-status/withdrawn>,
                             <{ID}concept/standard-status/superseded>)) }}
            FILTER NOT EXISTS {{ ?s bpss:replacedBy ?newer }} }}
          FILTER NOT EXISTS {{ ?system bpss:hasJustification ?j .
                              ?j bpss:justifiedItem ?item ; <{DCTERMS.date}> ?d }}
        }}""")
    national = build_national_list(ROOT / "data" / "national-list-2023.csv")
    gone = {URIRef(ID + "concept/standard-status/withdrawn"),
            URIRef(ID + "concept/standard-status/superseded")}
    expected = set()
    for system in set(files.subjects(RDF.type, BPSS.CountyStandardSystem)):
        covered = set()
        for standard in files.subjects(BPSS.inSystem, system):
            if set(files.objects(standard, BPSS.status)) & gone:
                continue
            if (standard, BPSS.replacedBy, None) in files:
                continue
            covered |= set(files.objects(standard, BPSS.implementsItem))
        for justification in files.objects(system, BPSS.hasJustification):
            if (justification, DCTERMS.date, None) in files:
                covered |= set(files.objects(justification, BPSS.justifiedItem))
        for item in national.subjects(RDF.type, BPSS.NationalServiceItem):
            if national.value(item, BPSS.isPlaceholder).toPython() or item in covered:
                continue
            area = national.value(national.value(item, SKOS.broader), SKOS.broader)
            expected.add((str(system), str(area), str(item)))
    assert expected, "the sample has a coverage gap"
    assert got == expected


# --- responsibility, targets, dated baselines, implementations (issue 17 points 2-4) -------------
# The sample counties hold these (synthetic, docs/model.md); each answer is computed again from
# the files. The national lead authority (leadAuthority) stays empty: no source names it.
PROVISION_370502 = ID + "standard/DB37-T-4604-2022"


def test_who_leads_an_item_nationally_and_who_answers_locally(store, files):
    """For national item 10 (vaccination): which body answers for it in each county, with
    which expenditure share, and who leads it nationally (unknown: no source names it)?"""
    item = ID + "list/national-2023/item/10"
    got = ask(store, f"""
        SELECT ?area ?body ?share ?lead WHERE {{
          ?r a bpss:ResponsibilityAssignment ; bpss:responsibleFor <{item}> ;
             bpss:responsibilityArea ?area ; bpss:responsibleBody ?body ;
             bpss:expenditureShare ?share .
          OPTIONAL {{ <{item}> bpss:leadAuthority ?lead }} }}""")
    expected = {(str(files.value(r, BPSS.responsibilityArea)),
                 str(files.value(r, BPSS.responsibleBody)),
                 str(files.value(r, BPSS.expenditureShare)), None)
                for r in files.subjects(BPSS.responsibleFor, URIRef(item))}
    assert len(expected) == 5 and got == expected


def test_grassroots_institutions_of_a_county_implementing_a_standard(store, files):
    """Which grassroots institutions of 东营区 implement its vaccination specification?"""
    got = ask(store, f"""
        SELECT ?institution WHERE {{
          ?i a bpss:Implementation ; bpss:implementationArea <{ID}place/370502> ;
             bpss:implementedStandard <{PROVISION_370502}> ;
             bpss:implementingInstitution ?institution .
          ?institution a bpss:GrassrootsInstitution . }}""")
    expected = {(str(o),) for i in files.subjects(BPSS.implementedStandard,
                                                   URIRef(PROVISION_370502))
                for o in files.objects(i, BPSS.implementingInstitution)}
    assert len(expected) == 2 and got == expected


def test_channels_a_standard_is_published_through(store, files):
    """Through which channels is each county's implemented standard published, and is it on
    the national standards information platform?"""
    got = ask(store, """
        SELECT ?standard ?channel ?platform WHERE {
          ?i a bpss:Implementation ; bpss:implementedStandard ?standard ;
             bpss:publicationChannel ?channel ; bpss:onNationalPlatform ?platform . }""")
    expected = {(str(files.value(i, BPSS.implementedStandard)), str(channel),
                 str(files.value(i, BPSS.onNationalPlatform)).lower())
                for i in files.subjects(RDF.type, BPSS.Implementation)
                for channel in files.objects(i, BPSS.publicationChannel)}
    assert expected and got == expected
    assert {p for *_, p in got} == {"true", "false"}


BASELINE_IN_YEAR = """
    SELECT ?value WHERE {{
      ?b bpss:baselineFor <{indicator}> ; bpss:validFromYear ?from ; bpss:baselineValue ?value .
      FILTER(STR(?from) <= "{year}")
      FILTER NOT EXISTS {{ ?later bpss:baselineFor <{indicator}> ; bpss:validFromYear ?laterFrom .
                           FILTER(STR(?laterFrom) <= "{year}" && STR(?laterFrom) > STR(?from)) }}
    }}"""


@pytest.mark.parametrize("year", ["2021", "2022", "2023", "2024"])
def test_the_national_baseline_in_a_given_year(store, files, year):
    """What was the national baseline of each indicator in year Y? The edition with the latest
    validFromYear ≤ Y."""
    for indicator in set(files.subjects(RDF.type, BPSS.Indicator)):
        got = {float(v) for (v,) in ask(store, BASELINE_IN_YEAR.format(
            indicator=indicator, year=year))}
        editions = sorted((str(files.value(b, BPSS.validFromYear)),
                           float(files.value(b, BPSS.baselineValue)))
                          for b in files.subjects(BPSS.baselineFor, indicator))
        valid = [value for start, value in editions if start <= year]
        assert got == ({valid[-1]} if valid else set()), (indicator, year)
    vaccination = ID + "indicator/child-vaccination-rate"
    assert ask(store, BASELINE_IN_YEAR.format(indicator=vaccination, year=year)) == {
        ("85" if year < "2023" else "90",)}


def test_county_targets_against_the_baseline_of_their_year(store, files):
    """What does each county aim for in 2025, and is that no worse than the national baseline of
    2025 (local standards not lower than the national one)? Values compared as decimals (the
    store may write 92.0 as 92: xsd:decimal's lexical form is not fixed)."""
    got = ask(store, """
        SELECT ?area ?ind ?target ?base ?direction WHERE {
          ?t a bpss:IndicatorTarget ; bpss:targetIndicator ?ind ; bpss:targetValue ?target ;
             bpss:refYear ?year ; bpss:refArea ?area .
          ?ind bpss:baselineDirection ?direction .
          ?b bpss:baselineFor ?ind ; bpss:validFromYear ?from ; bpss:baselineValue ?base .
          FILTER(STR(?from) <= STR(?year))
          FILTER NOT EXISTS { ?later bpss:baselineFor ?ind ; bpss:validFromYear ?lf .
                              FILTER(STR(?lf) <= STR(?year) && STR(?lf) > STR(?from)) }
        }""")
    got = {(a, i, Decimal(t), Decimal(b), d) for a, i, t, b, d in got}
    expected = set()
    for t in files.subjects(RDF.type, BPSS.IndicatorTarget):
        indicator = files.value(t, BPSS.targetIndicator)
        year = str(files.value(t, BPSS.refYear))
        editions = sorted((str(files.value(b, BPSS.validFromYear)),
                           files.value(b, BPSS.baselineValue))
                          for b in files.subjects(BPSS.baselineFor, indicator))
        base = [v for start, v in editions if start <= year][-1]
        expected.add((str(files.value(t, BPSS.refArea)), str(indicator),
                      Decimal(str(files.value(t, BPSS.targetValue))), Decimal(str(base)),
                      str(files.value(indicator, BPSS.baselineDirection))))
    assert len(expected) == 25 and got == expected
    for _, _, target, base, direction in got:
        worse = target < base if direction.endswith("/at-least") else target > base
        assert not worse
