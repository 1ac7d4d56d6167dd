"""The county dashboard's read model against national-scale duplication: a national standard
that county tables describe again sits in many graphs, and Oxigraph's union default graph
matches every copy (oxigraph#1919). At N = 2,846 the dashboard's standards query joined copies
with copies, filled its row limit with them and showed 2–4 of a county's 23–34 standards."""

from __future__ import annotations

import pytest

from bpss_kg.browse.county import county_dashboard
from bpss_kg.loading import load_sample
from bpss_kg.store import OxigraphStore

GBT_43507 = "<https://w3id.org/bpss-kg/id/standard/GB-T-43507-2023>"
COPIES = 12
TITLE_EN = "Guidelines for the construction of county basic public service standard system"


def _standards(store: OxigraphStore, code: str) -> list[tuple[str, str, str, str]]:
    d = county_dashboard(store, code, "zh")
    return sorted((s.iri, s.number, s.status, s.title) for sub in d.subsystems
                  for kind in sub.kinds for s in kind.standards)


@pytest.fixture
def store(tmp_path):
    store = OxigraphStore(tmp_path / "store")
    load_sample(store)
    yield store
    store.close()


def test_a_standard_described_in_many_graphs_does_not_crowd_out_the_others(store):
    before = _standards(store, "370502")
    assert len(before) > 10 and any("43507" in s[1] for s in before)
    copies = "\n".join(
        f"""INSERT DATA {{ GRAPH <urn:x:copy:{n}> {{
            {GBT_43507} a <https://w3id.org/bpss-kg/def#Standard> ;
              <https://w3id.org/bpss-kg/def#standardNumber> "GB/T 43507—2023" ;
              <https://w3id.org/bpss-kg/def#status>
                <https://w3id.org/bpss-kg/id/concept/standard-status/in-force> ;
              <http://purl.org/dc/terms/title> "县域基本公共服务标准体系建设指南"@zh,
                "{TITLE_EN}"@en .
        }} }};""" for n in range(COPIES))
    store.update(copies)
    assert _standards(store, "370502") == before
