"""Exchange with a real Virtuoso on 127.0.0.1: push, pull back, compare; ``--changed``; an
interrupted push (the server stops after the first graph) rerun ends in the same state; pull
refuses what does not validate; the CLI, the validation and the endpoint run on the remote
store."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from bpss_kg.cli import app as cli
from bpss_kg.config import Settings
from bpss_kg.errors import BadInput, NotFound, StoreError
from bpss_kg.exchange import STATE_FILE, PushState, content_hash, pull, push, pushable_graphs
from bpss_kg.loading import load_sample
from bpss_kg.store import OxigraphStore, RemoteStore
from bpss_kg.store.remote import numeric_canonical
from server import create_app

from .http_server import running
from .virtuoso import Virtuoso, free_port, missing

NATIONAL = ox.NamedNode("https://w3id.org/bpss-kg/graph/national")
C370502 = ox.NamedNode("https://w3id.org/bpss-kg/graph/county/370502")
C370503 = ox.NamedNode("https://w3id.org/bpss-kg/graph/county/370503")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("exchange") / "store"
    store = OxigraphStore(path)
    load_sample(store)
    store.close()
    return path


@pytest.fixture
def local(sample_store, tmp_path):
    """A private copy of the sample store (push records its state next to the data)."""
    store = OxigraphStore(sample_store)
    copy = OxigraphStore(tmp_path / "local")
    copy.add(q for q in store.quads() if isinstance(q.graph_name, ox.NamedNode))
    store.close()
    yield copy
    copy.close()


@pytest.fixture
def remote(virtuoso):
    store = RemoteStore(virtuoso.sparql, graph_store=virtuoso.graph_store, timeout=60)
    for graph in store.named_graphs():
        store.drop_graph(graph)
    yield store
    for graph in store.named_graphs():
        store.drop_graph(graph)


def canonical(triples) -> set[str]:
    """N-Triples lines with numbers by value: Virtuoso keeps "96.0"^^xsd:decimal as
    "96"^^xsd:integer (see store/remote.py); nothing else is changed."""
    return {str(ox.Triple(t.subject, t.predicate, numeric_canonical(t.object)))
            for t in triples}


def triples_of(store, graph):
    return [q.triple for q in store.quads(graph)]


def test_push_then_pull_back_gives_the_same_graphs(local, remote, tmp_path):
    state = PushState(tmp_path / STATE_FILE)
    report = push(local, remote, state)
    counties = [g for g in local.named_graphs() if "/county/" in g.value]
    assert report.sent == [NATIONAL.value] + [c.value for c in counties] or \
        sorted(report.sent) == sorted([NATIONAL.value] + [c.value for c in counties])
    assert remote.named_graphs() == sorted([NATIONAL, *counties], key=lambda g: g.value)
    back = OxigraphStore(tmp_path / "back")
    try:
        for graph in (NATIONAL, C370502):  # through ``pull`` (with its validation)
            pull(back, remote, graph, allow_violations=True)
        for graph in [NATIONAL, *counties]:
            theirs = triples_of(back, graph) if graph in (NATIONAL, C370502) else \
                remote.graph_triples(graph)
            mine = triples_of(local, graph)
            assert len(mine) == len(theirs), graph
            assert canonical(mine) == canonical(theirs), graph
            exact = {str(t) for t in mine} ^ {str(t) for t in theirs}
            # what differs at all is only numbers Virtuoso rewrote
            assert all("XMLSchema#decimal" in line or "XMLSchema#integer" in line
                       for line in exact), sorted(exact)[:4]
    finally:
        back.close()


def test_pushed_graph_is_queryable_with_bindings_on_the_remote(local, remote, tmp_path):
    push(local, remote, PushState(tmp_path / STATE_FILE), graphs=[C370502])
    place = ox.NamedNode("https://w3id.org/bpss-kg/id/place/370502")
    rows = list(remote.query("SELECT ?g ?p WHERE { GRAPH ?g { ?s ?x ?p } } LIMIT 1",
                             bindings={"g": C370502, "p": place}))
    assert [r["g"] for r in rows] == [C370502]


def test_push_changed_sends_only_changed_graphs(local, remote, tmp_path):
    state = PushState(tmp_path / STATE_FILE)
    first = push(local, remote, state, changed=True)
    assert len(first.sent) == 6 and first.unchanged == []
    again = push(local, remote, PushState(tmp_path / STATE_FILE), changed=True)
    assert again.sent == [] and len(again.unchanged) == 6
    local.update(f'INSERT DATA {{ GRAPH {C370503} {{ <urn:x:a> {LABEL} "新增"@zh }} }}')
    third = push(local, remote, PushState(tmp_path / STATE_FILE), changed=True)
    assert third.sent == [C370503.value]
    assert canonical(triples_of(local, C370503)) == canonical(triples_of(remote, C370503))


def test_push_changed_sends_only_the_changes_when_the_editions_know_them(local, remote, tmp_path):
    from bpss_kg.access import command_line_writer
    from bpss_kg.editions import EditionLog
    from bpss_kg.writes import WriteGate

    log = EditionLog(tmp_path / "editions")
    gate = WriteGate(local, None, after_write=lambda: None, editions=log)
    gate.write(command_line_writer(), "test", None, lambda: None)  # first editions: snapshots
    state = PushState(tmp_path / STATE_FILE)
    first = push(local, remote, state, changed=True, editions=log)
    assert len(first.sent) == 6 and first.deltas == []
    gate.write(command_line_writer(), "test", {C370503.value}, lambda: local.update(
        f'INSERT DATA {{ GRAPH {C370503} {{ <urn:x:d> {LABEL} "只发变化"@zh }} }} ; '
        f'DELETE {{ GRAPH {C370503} {{ ?s {LABEL} ?o }} }} WHERE {{ GRAPH {C370503} '
        f'{{ ?s {LABEL} ?o FILTER(LANG(?o) = "en" && isIRI(?s)) }} }}'))
    second = push(local, remote, PushState(tmp_path / STATE_FILE), changed=True, editions=log)
    assert second.sent == second.deltas == [C370503.value]
    assert canonical(triples_of(local, C370503)) == canonical(triples_of(remote, C370503))
    local.update(f'INSERT DATA {{ GRAPH {C370503} {{ <urn:x:e> {LABEL} "绕过"@zh }} }}')
    third = push(local, remote, PushState(tmp_path / STATE_FILE), changed=True, editions=log)
    # a write that made no edition: the difference to the state last pushed still tells it
    assert third.sent == third.deltas == [C370503.value]
    assert canonical(triples_of(local, C370503)) == canonical(triples_of(remote, C370503))
    gate.write(command_line_writer(), "test", {C370503.value}, lambda: local.update(
        f'DELETE {{ GRAPH {C370503} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {C370503} '
        f'{{ ?s ?p ?o FILTER(isBlank(?s)) }} }}'))
    fourth = push(local, remote, PushState(tmp_path / STATE_FILE), changed=True, editions=log)
    assert fourth.deltas == []  # the change names blank nodes: the whole graph goes
    assert canonical(triples_of(local, C370503)) == canonical(triples_of(remote, C370503))
    log.close()


def test_interrupted_push_rerun_ends_in_the_same_state(local, tmp_path):
    """A dedicated Virtuoso is stopped right after the first graph went through; the push
    fails on the next one. After a restart, ``push --changed`` sends the rest, and the remote
    store and the state record equal those of an uninterrupted push."""
    reason = missing()
    if reason:
        pytest.skip(reason)
    server = Virtuoso(tmp_path / "virtuoso-interrupted", free_port(), free_port())
    server.directory.mkdir()
    server.start()
    try:
        remote = RemoteStore(server.sparql, graph_store=server.graph_store, timeout=30)
        state_path = tmp_path / "state" / STATE_FILE
        sent: list[str] = []

        def stop_after_first(graph: str, what: str) -> None:
            sent.append(graph)
            if len(sent) == 1:
                server.stop()

        with pytest.raises(StoreError) as caught:
            push(local, remote, PushState(state_path), changed=True, on_graph=stop_after_first)
        assert "unreachable" in caught.value.message
        first = pushable_graphs(local)[0].value
        recorded = json.loads(state_path.read_text())[server.graph_store]
        assert list(recorded) == sent == [first]

        server.start()
        remote = RemoteStore(server.sparql, graph_store=server.graph_store, timeout=30)
        rerun = push(local, remote, PushState(state_path), changed=True)
        assert rerun.unchanged == [first] and len(rerun.sent) == 5
        expected = {g.value: content_hash(triples_of(local, g)) for g in remote.named_graphs()}
        assert json.loads(state_path.read_text())[server.graph_store] == expected
        for graph in local.named_graphs():
            if graph == NATIONAL or "/county/" in graph.value:
                assert canonical(triples_of(local, graph)) == \
                    canonical(triples_of(remote, graph)), graph
    finally:
        server.stop()


def test_pull_refuses_a_graph_that_does_not_validate(local, remote, tmp_path):
    push(local, remote, PushState(tmp_path / STATE_FILE), graphs=[C370502])
    target = OxigraphStore(tmp_path / "target")
    try:
        old = [ox.Quad(ox.NamedNode("urn:x:old"), LABEL, ox.Literal("旧"), C370502)]
        target.add(old)
        with pytest.raises(BadInput) as caught:
            pull(target, remote, C370502)
        assert "does not pass validation" in caught.value.message
        assert list(target.quads()) == old
        with pytest.raises(NotFound):
            pull(target, remote, ox.NamedNode("https://w3id.org/bpss-kg/graph/county/999999"))
        assert list(target.quads()) == old
        report = pull(target, remote, C370502, allow_violations=True)
        assert report.replaced and report.triples == len(triples_of(local, C370502))
    finally:
        target.close()


def test_pull_over_sparql_without_graph_store(local, remote, virtuoso, tmp_path):
    push(local, remote, PushState(tmp_path / STATE_FILE), graphs=[C370503])
    sparql_only = RemoteStore(virtuoso.sparql, timeout=60)
    target = OxigraphStore(tmp_path / "target")
    try:
        renamed = ox.NamedNode("https://w3id.org/bpss-kg/graph/county/370503")
        pull(target, sparql_only, C370503, renamed, allow_violations=True)
        assert canonical(triples_of(target, renamed)) == canonical(triples_of(local, C370503))
    finally:
        target.close()


def test_cli_push_pull_and_queries_on_the_remote_store(local, remote, virtuoso, tmp_path):
    local_path = str(tmp_path / "local")
    local.close()
    runner = CliRunner()
    result = runner.invoke(cli, ["push", "--endpoint", virtuoso.sparql, "--store", local_path,
                                 "--graph", C370502.value])
    assert result.exit_code == 0, result.output
    assert "pushed 1 graph(s)" in result.output
    result = runner.invoke(cli, ["push", "--endpoint", virtuoso.sparql, "--store", local_path,
                                 "--changed", "--graph", C370502.value])
    assert "pushed 0 graph(s), 1 unchanged" in result.output
    # the same CLI commands work with --store pointing at the remote endpoint
    result = runner.invoke(cli, ["stats", "--format", "json", "--store", virtuoso.sparql])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["counties"] == 1
    result = runner.invoke(cli, ["pull", "--endpoint", virtuoso.sparql, "--graph",
                                 C370502.value, "--store", str(tmp_path / "fresh")])
    assert result.exit_code == 2 and "does not pass validation" in result.output
    result = runner.invoke(cli, ["pull", "--endpoint", "http://127.0.0.1:9/sparql", "--graph",
                                 C370502.value, "--store", str(tmp_path / "fresh")])
    assert result.exit_code == 3 and "unreachable" in result.output


def test_validation_and_endpoint_run_on_the_remote_store(sample_store, remote, virtuoso):
    source = OxigraphStore(sample_store)
    remote.add(q for q in source.quads() if isinstance(q.graph_name, ox.NamedNode))
    source.close()
    from datetime import date

    from bpss_kg.validation import validate

    run = validate(remote, as_of=date(2025, 1, 1), record=False)
    embedded = OxigraphStore(sample_store)
    try:
        expected = validate(embedded, as_of=date(2025, 1, 1), record=False)
    finally:
        embedded.close()
    assert sorted(f.key() for f in run.findings) == sorted(f.key() for f in expected.findings)
    app = create_app(Settings(store=virtuoso.sparql,
                              store_graph_store=virtuoso.graph_store), store=None)
    with running(app) as base:
        query = ("SELECT ?label WHERE { <https://w3id.org/bpss-kg/id/place/370502> "
                 "<http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(lang(?label)='zh')}")
        url = f"{base}/sparql?{urllib.parse.urlencode({'query': query})}"
        request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            rows = json.loads(response.read())["results"]["bindings"]
        assert [r["label"]["value"] for r in rows] == ["东营区"]
        with urllib.request.urlopen(f"{base}/dumps/county-370502.ttl", timeout=30) as response:
            triples = list(ox.parse(response.read(), format=ox.RdfFormat.TURTLE))
        assert len(triples) == len(list(remote.quads(C370502)))
    app.extensions["bpss_kg"].queries.close()
