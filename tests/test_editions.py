"""System time: every accepted write is a dated edition of its graph with who and what changed;
a graph as of any of its editions is rebuilt from them; the change feed replayed from the start
gives every graph as it is; editions survive backup and restore; push --changed sends deltas."""

from __future__ import annotations

import io
import json
import re
import urllib.parse

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.namespace import DCTERMS, RDFS
from typer.testing import CliRunner

from bpss_kg import resources
from bpss_kg.access import Scope, Writer
from bpss_kg.backup import backup, restore
from bpss_kg.cli import app
from bpss_kg.config import Settings
from bpss_kg.editions import EditionLog, graph_lines
from bpss_kg.loading import load_sample
from bpss_kg.publish.feed import TREE
from bpss_kg.store import OxigraphStore
from bpss_kg.system_diff import diff_editions, label_book, report_lines
from bpss_kg.writes import WriteGate
from server import create_app

COUNTY = "https://w3id.org/bpss-kg/graph/county/370502"
OFFICE = Writer("tok-test", "东营区 office", Scope("county", "370502"))
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"


def _insert(label: str, subject: str = "urn:x:e") -> str:
    return f'INSERT DATA {{ GRAPH <{COUNTY}> {{ <{subject}> {LABEL} "{label}"@zh }} }}'


@pytest.fixture
def gated(tmp_path):
    store = OxigraphStore(tmp_path / "store")
    load_sample(store)  # a library load: no editions yet
    log = EditionLog(store.path)
    gate = WriteGate(store, None, after_write=lambda: None, editions=log)
    yield store, log, gate
    log.close()
    store.close()


def _write(store, gate, text: str) -> None:
    gate.write(OFFICE, "POST /update", {COUNTY}, lambda: store.update(text))


def test_each_write_is_an_edition_and_any_edition_can_be_rebuilt(gated):
    store, log, gate = gated
    states = []
    for i in range(3):
        _write(store, gate, _insert(f"第{i}版"))
        states.append(graph_lines(store, COUNTY))
    _write(store, gate, f'DELETE DATA {{ GRAPH <{COUNTY}> {{ <urn:x:e> {LABEL} "第0版"@zh }} }}')
    states.append(graph_lines(store, COUNTY))
    editions = log.editions(graph=COUNTY)
    assert [(e.number, e.kind, e.added, e.removed) for e in editions] == [
        (1, "snapshot", len(states[0]), 0), (2, "delta", 1, 0), (3, "delta", 1, 0),
        (4, "delta", 0, 1)]
    assert {(e.token, e.label, e.scope) for e in editions} == {
        ("tok-test", "东营区 office", "county 370502")}
    for number, state in enumerate(states, start=1):
        assert log.state(COUNTY, number) == state
    assert log.state(COUNTY) == states[-1]


def test_a_write_that_changes_nothing_is_no_edition(gated):
    store, log, gate = gated
    _write(store, gate, _insert("同一内容"))
    _write(store, gate, _insert("同一内容"))
    assert len(log.editions(graph=COUNTY)) == 1


def test_a_write_of_unknown_graphs_gives_an_edition_to_each_graph_that_changed(gated):
    store, log, gate = gated
    _write(store, gate, _insert("先写"))
    gate.write(OFFICE.__class__("tok-admin", "admin", Scope.admin()), "POST /update", None,
               lambda: store.update(f'INSERT {{ GRAPH ?g {{ <urn:x:all> {LABEL} "每图"@zh }} }} '
                                    f'WHERE {{ GRAPH ?g {{ }} FILTER(?g = <{COUNTY}>) }}'))
    county = log.editions(graph=COUNTY)
    assert [(e.kind, e.added) for e in county][1:] == [("delta", 1)]  # against the head
    assert log.state(COUNTY) == graph_lines(store, COUNTY)
    others = {e.graph for e in log.editions()} - {COUNTY}
    assert others  # every other graph got its first edition (it had none), once
    before = len(log.editions())
    gate.write(OFFICE.__class__("tok-admin", "admin", Scope.admin()), "POST /update", None,
               lambda: store.update("CLEAR SILENT GRAPH <urn:x:none>"))
    assert len(log.editions()) == before  # nothing changed: no new edition


def _replay(client, limit: int) -> dict[str, set[bytes]]:
    """A consumer: read the feed page by page from the start, apply each RDF Patch."""
    graphs: dict[str, set[bytes]] = {}
    url = f"/changes?after=0&limit={limit}"
    pages = 0
    while url:
        pages += 1
        page = Graph().parse(data=client.get(url).data, format="turtle")
        members = sorted(page.objects(None, TREE.member),
                         key=lambda m: int(page.value(m, DCTERMS.identifier)))
        for member in members:
            (patch_url,) = page.objects(member, RDFS.seeAlso)
            text = client.get(urllib.parse.urlparse(str(patch_url)).path).data.decode()
            (graph,) = page.objects(member, DCTERMS.isVersionOf)
            lines = graphs.setdefault(str(graph), set())
            if re.search(r"^H replaces ", text, re.M):
                lines.clear()
            for line in text.splitlines():
                if line[:2] in ("A ", "D "):
                    triple = line[2:].rsplit(" ", 2)[0]  # drop the graph and the final dot
                    (lines.add if line[0] == "A" else lines.discard)(f"{triple} .".encode())
        nexts = [str(n) for r in page.objects(None, TREE.relation)
                 for n in page.objects(r, TREE.node)]
        url = urllib.parse.urlparse(nexts[0]).path + "?" + urllib.parse.urlparse(
            nexts[0]).query if nexts else ""
    assert pages > 1
    return graphs


def test_replaying_the_change_feed_from_the_start_gives_every_graph(tmp_path):
    store = OxigraphStore(tmp_path / "store")
    app_ = create_app(Settings(store=str(tmp_path / "store"), update_token="t"), store)
    client = app_.test_client()
    auth = {"Authorization": "Bearer t"}
    try:
        with open(resources.data_dir() / "sample" / "county-370502.trig", "rb") as sample:
            assert client.put("/graph-store?graph=" + urllib.parse.quote(COUNTY, safe=""),
                              data=_triples_of(sample.read()), headers=auth,
                              content_type="application/n-triples").status_code == 201
        for i in range(5):
            assert client.post("/update", data=_insert(f"回放{i}", f"urn:x:r{i}"), headers=auth,
                               content_type="application/sparql-update").status_code == 204
        assert client.post("/update", data=f'DELETE DATA {{ GRAPH <{COUNTY}> {{ <urn:x:r1> '
                           f'{LABEL} "回放1"@zh }} }}', headers=auth,
                           content_type="application/sparql-update").status_code == 204
        other = "https://w3id.org/bpss-kg/graph/county/370503"
        assert client.put("/graph-store?graph=" + urllib.parse.quote(other, safe=""),
                          data=b'<urn:x:o> <urn:x:p> "o" .', headers=auth,
                          content_type="application/n-triples").status_code == 201
        assert client.delete("/graph-store?graph=" + urllib.parse.quote(other, safe=""),
                             headers=auth).status_code == 204
        replayed = _replay(client, limit=3)
        assert replayed[COUNTY] == graph_lines(store, COUNTY)
        assert replayed[other] == set() == graph_lines(store, other)
        feed = client.get("/changes?limit=100", headers={"Accept": "application/ld+json"})
        assert feed.status_code == 200 and "GraphEdition" in feed.data.decode()
        assert client.get("/changes?after=x").status_code == 400
        assert client.get("/changes/99999.rdfp").status_code == 404
    finally:
        app_.extensions["bpss_kg"].queries.close()
        store.close()


def _triples_of(trig: bytes) -> bytes:
    quads = ox.parse(trig, format=ox.RdfFormat.TRIG)
    return ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES)


def test_editions_survive_backup_and_restore_and_the_cli_lists_them(gated, tmp_path):
    store, log, gate = gated
    _write(store, gate, _insert("备份前"))
    _write(store, gate, _insert("备份前二", "urn:x:f"))
    backup(store, tmp_path / "backup")
    target = OxigraphStore(tmp_path / "target")
    restore(target, tmp_path / "backup")
    restored = EditionLog(target.path)
    assert restored.state(COUNTY) == log.state(COUNTY) == graph_lines(target, COUNTY)
    restored.close()
    target.close()
    result = CliRunner().invoke(app, ["history", "--county", "370502", "--format", "json",
                                      "--store", str(tmp_path / "target")])
    assert result.exit_code == 0, result.output
    assert [e["number"] for e in json.loads(result.stdout)] == [1, 2]


def test_patch_text_is_an_rdf_patch_transaction(gated):
    store, log, gate = gated
    _write(store, gate, _insert("补丁"))
    _write(store, gate, _insert("补丁二", "urn:x:g"))
    text = log.patch(log.editions(graph=COUNTY)[-1].id).rdf_patch()
    lines = text.splitlines()
    assert lines[0].startswith("H id <urn:bpss-kg:edition:") and "TX ." in lines
    assert lines[-1] == "TC ." and lines[-2] == f'A <urn:x:g> {LABEL} "补丁二"@zh <{COUNTY}> .'
    # a valid N-Quads line once the A and the final dot are taken off
    quad = next(iter(ox.parse(io.BytesIO(lines[-2][2:].encode()), format=ox.RdfFormat.N_QUADS)))
    assert quad.graph_name == ox.NamedNode(COUNTY) and quad.subject == ox.NamedNode("urn:x:g")


def test_counties_whose_system_changed_since_a_date_come_from_the_editions(gated):
    from bpss_kg.queries import library_query, run_library_query

    store, log, gate = gated
    _write(store, gate, _insert("变更一"))
    _write(store, gate, _insert("变更二", "urn:x:h"))
    other = "https://w3id.org/bpss-kg/graph/county/370503"
    gate.write(OFFICE.__class__("tok-p", "山东", Scope("province", "370000")), "import", {other},
               lambda: store.update(f'INSERT DATA {{ GRAPH <{other}> {{ <urn:x:i> {LABEL} '
                                    '"河口区变更"@zh } }'))
    query = library_query("counties-changed-since")
    found = {(str(r["county"].value).rsplit("/", 1)[-1], r["countyName"].value,
              int(r["editions"].value), int(r["triplesAdded"].value))
             for r in run_library_query(store, query, {"since": "2020-01-01"})}
    # A graph's first edition is a snapshot (all its triples added), later ones deltas.
    first = len(log.state(COUNTY, 1))
    assert found == {("370502", "东营区", 2, first + 1),
                     ("370503", "河口区", 1, len(log.state(other, 1)))}
    assert list(run_library_query(store, query, {"since": "2999-01-01"})) == []


def test_the_editions_graph_is_kept_by_the_store_not_written_by_users(gated):
    from bpss_kg.access import Forbidden
    from bpss_kg.editions import EDITIONS_GRAPH

    store, _log, gate = gated
    _write(store, gate, _insert("有一版"))
    before = set(store.quads(ox.NamedNode(EDITIONS_GRAPH)))
    with pytest.raises(Forbidden, match="kept by the store"):
        gate.write(OFFICE.__class__("tok-a", "admin", Scope("admin", "")), "PUT /graph-store",
                   {EDITIONS_GRAPH}, lambda: store.update(
                       f"DROP GRAPH <{EDITIONS_GRAPH}>"))
    assert set(store.quads(ox.NamedNode(EDITIONS_GRAPH))) == before


def test_an_update_of_unknown_graphs_cannot_change_the_editions_graph(gated):
    """GRAPH ?g patterns and DROP ALL name no graph beforehand; whatever they do to the
    editions graph is put back from the log inside the same write, and the graphs they did
    change get their editions as usual."""
    from bpss_kg.editions import EDITIONS_GRAPH

    store, log, gate = gated
    admin = Writer("tok-a", "admin", Scope("admin", ""))
    _write(store, gate, _insert("有一版"))
    editions = ox.NamedNode(EDITIONS_GRAPH)
    gate.write(admin, "POST /update", None, lambda: store.update(
        f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
        f"FILTER(?g IN (<{EDITIONS_GRAPH}>, <{COUNTY}>)) }}"))
    assert not list(store.quads(ox.NamedNode(COUNTY)))  # the user's graph: changed, as asked
    kept = set(store.quads(editions))
    assert kept == _as_stored(log.record_quads())
    newest = log.editions(graph=COUNTY)[-1]
    assert newest.removed > 0 and newest.token == "tok-a"
    assert any(q.subject.value.endswith(f"/{newest.number}") for q in kept)
    gate.write(admin, "POST /update", None, lambda: store.update("DROP ALL"))
    assert set(store.quads(editions)) == _as_stored(log.record_quads())
    assert len(set(store.quads(editions))) > len(kept)


def _as_stored(quads) -> set[ox.Quad]:  # type: ignore[no-untyped-def]
    """Quads as a store gives them back (Oxigraph keeps xsd:dateTime in canonical form)."""
    copy = ox.Store()
    copy.extend(quads)
    return set(copy)


def test_diff_says_in_table_words_what_changed_between_editions(gated, tmp_path):
    """Edition 1: the sample county; edition 2: one standard withdrawn, a new edition of
    another that supersedes it (代替), an indicator value corrected."""
    store, log, gate = gated
    std = "https://w3id.org/bpss-kg/id/standard/"
    status = "https://w3id.org/bpss-kg/id/concept/standard-status/"
    bpss = "https://w3id.org/bpss-kg/def#"
    obs = "https://w3id.org/bpss-kg/id/observation/370502/child-vaccination-rate/2024"
    _write(store, gate, _insert("起点"))  # edition 1: a snapshot of the county as loaded
    old_status = next(iter(store.query(
        f"SELECT ?s WHERE {{ GRAPH <{COUNTY}> {{ <{std}DB37-T-4604-2022> <{bpss}status> ?s }} }}"
    )))["s"].value
    _write(store, gate, f"""
        PREFIX bpss: <{bpss}>
        DELETE DATA {{ GRAPH <{COUNTY}> {{
            <{std}DB37-T-4604-2022> bpss:status <{old_status}> .
            <{obs}> bpss:observedValue 88.5 . }} }} ;
        INSERT DATA {{ GRAPH <{COUNTY}> {{
            <{std}DB37-T-4604-2022> bpss:status <{status}withdrawn> .
            <{obs}> bpss:observedValue 90.5 .
            <{std}DB37-T-4604-2025> a bpss:Standard ; bpss:standardNumber "DB37/T 4604—2025" ;
                bpss:inSystem <https://w3id.org/bpss-kg/id/system/county/370502> ;
                bpss:supersedes <{std}DB37-T-4604-2022> ;
                bpss:status <{status}in-force> . }} }}""")
    diff = diff_editions(log.state(COUNTY, 1), log.state(COUNTY, 2))
    assert [(old.number, new.number) for old, new in diff.revised] == [
        ("DB37/T 4604—2022", "DB37/T 4604—2025")]
    assert diff.added == [] and diff.withdrawn == [] and diff.changed == []
    assert diff.values_changed == [
        ("https://w3id.org/bpss-kg/id/indicator/child-vaccination-rate", "2024", "88.5",
         "90.5")]
    # item 10 stays covered only if another standard in force still implements it
    assert diff.items_gained == []
    text = "\n".join(report_lines(diff, label_book(store, diff)))
    assert "修订标准 standards revised (代替) (1)" in text
    assert "DB37/T 4604—2025 代替 DB37/T 4604—2022" in text
    assert "88.5 → 90.5" in text

    # The same through the command line (the store closed, as beside no server).
    store.close()
    run = CliRunner().invoke(app, ["diff", "--county", "370502", "--store",
                                   str(tmp_path / "store"), "--format", "json"])
    assert run.exit_code == 0, run.output
    answer = json.loads(run.stdout)
    assert (answer["from"], answer["to"]) == (1, 2)
    assert answer["revised"][0]["new"]["number"] == "DB37/T 4604—2025"
    assert answer["values_changed"][0]["from"] == "88.5"
    first = CliRunner().invoke(app, ["diff", "--county", "370502", "--to", "1", "--store",
                                     str(tmp_path / "store")])
    assert first.exit_code == 0 and "新增标准 standards added" in first.stdout
    bad = CliRunner().invoke(app, ["diff", "--county", "370502", "--to", "9", "--store",
                                   str(tmp_path / "store")])
    assert bad.exit_code == 2 and "to 9: county 370502 has editions 1 to 2" in bad.output
