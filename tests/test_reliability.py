"""Reliability: backup and restore, a load killed half-way, unusable store paths, hostile RDF
and hostile HTTP parameters."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from bpss_kg.backup import backup, restore
from bpss_kg.cli import app
from bpss_kg.config import Settings
from bpss_kg.errors import BadInput
from bpss_kg.generate import generate
from bpss_kg.loading import load_files, load_sample
from bpss_kg.queries import library
from bpss_kg.store import OxigraphStore
from server import create_app


def graph_of(store, name: ox.NamedNode) -> Graph:
    data = ox.serialize([q.triple for q in store.quads(name)], format=ox.RdfFormat.N_TRIPLES)
    return Graph().parse(data=data, format="nt")


def test_backup_then_restore_into_an_empty_store_is_isomorphic(tmp_path):
    source = OxigraphStore(tmp_path / "source")
    load_sample(source)
    manifest = backup(source, tmp_path / "backup")
    assert manifest["ontology_version"] == "0.1.0" and manifest["shapes_version"] == "0.1.0"
    target = OxigraphStore(tmp_path / "target")
    restore(target, tmp_path / "backup")
    assert target.named_graphs() == source.named_graphs()
    for name in source.named_graphs():
        assert isomorphic(graph_of(source, name), graph_of(target, name)), name
    with pytest.raises(BadInput, match="needs an empty store"):
        restore(target, tmp_path / "backup")
    source.close()
    target.close()


def test_tokens_and_the_audit_log_travel_with_a_backup(tmp_path):
    from bpss_kg.access import AccessRegistry, Scope, command_line_writer
    from bpss_kg.access import GraphChange as Change

    source = OxigraphStore(tmp_path / "source")
    load_sample(source)
    registry = AccessRegistry(source.path)
    record, secret = registry.add(Scope.of("county", "370502"), "东营区")
    registry.record(command_line_writer(), "cli import", [Change("urn:g", 3, 1)])
    backup(source, tmp_path / "backup")
    target = OxigraphStore(tmp_path / "target")
    restore(target, tmp_path / "backup")
    restored = AccessRegistry(target.path)
    assert restored.writer_for(secret).token == record.id
    assert [(e.action, e.added, e.removed) for e in restored.audit()] == [("cli import", 3, 1)]
    source.close()
    target.close()


def _load_killed_when(store_path: Path, data: Path, reached) -> None:  # type: ignore[no-untyped-def]
    """Start ``bpss-kg load`` and SIGKILL it as soon as ``reached()`` is true (a known point
    of the load, watched from outside), not after a guessed delay."""
    process = subprocess.Popen([sys.executable, "-m", "bpss_kg.cli", "load", str(data),
                                "--store", str(store_path)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not reached() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    assert process.poll() is None, "the load ended before the point to kill it at"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


@pytest.fixture
def sample_and_big(tmp_path):
    store_path = tmp_path / "store"
    store = OxigraphStore(store_path)
    load_sample(store)
    before = len(store)
    store.close()
    big = tmp_path / "big.nq"
    generate(counties=400, seed=2, out=big)
    return store_path, big, before


@pytest.mark.slow
def test_a_load_killed_while_writing_leaves_the_store_as_it_was(sample_and_big):
    store_path, big, before = sample_and_big
    active = os.readlink(store_path / "active")

    def writing() -> bool:  # the copy being loaded holds data
        staged = [p for p in store_path.glob("data-*") if p.name != active]
        try:
            return any(sum(f.stat().st_size for f in p.glob("*.sst")) > 0 for p in staged)
        except FileNotFoundError:  # a file the loader renamed between the listing and the stat
            return False

    _load_killed_when(store_path, big, writing)
    reopened = OxigraphStore(store_path)
    assert len(reopened) == before
    assert not [p for p in store_path.iterdir() if p.name.startswith("data-")
                and p.resolve() != (store_path / "active").resolve()]
    reopened.close()
    result = CliRunner().invoke(app, ["stats", "--format", "json", "--store", str(store_path)])
    assert result.exit_code == 0 and '"counties": 5' in result.stdout


@pytest.mark.slow
def test_a_load_killed_after_the_switch_leaves_derived_files_behind_never_wrong(sample_and_big):
    from bpss_kg.derived import bring_up_to_date
    from bpss_kg.search import index_is_fresh, search

    store_path, big, before = sample_and_big
    active = os.readlink(store_path / "active")
    _load_killed_when(store_path, big, lambda: os.readlink(store_path / "active") != active)
    reopened = OxigraphStore(store_path)
    try:
        assert len(reopened) > before  # the load had switched in: the after state
        assert not index_is_fresh(reopened)  # killed before the index caught up
        bring_up_to_date(reopened, summaries=False)  # what the next command or server does
        assert index_is_fresh(reopened)
        codes = {q.object.value for q in reopened.quads() if q.predicate.value.endswith(
            "#divisionCode") and q.graph_name.value.endswith("/national")}
        assert search(reopened, "110101").total >= 1 and "110101" in codes
    finally:
        reopened.close()


def test_an_unusable_store_path_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = CliRunner().invoke(app, ["stats", "--store", str(blocker / "store")])
    assert result.exit_code == 3
    assert "store" in result.output and "Traceback" not in result.output


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)),
       suffix=st.sampled_from([".ttl", ".nt", ".nq", ".trig", ".jsonld", ".rdf"]))
def test_hostile_rdf_never_crashes_nor_changes_the_store(tmp_path_factory, data, suffix):
    folder = tmp_path_factory.mktemp("fuzz")
    store = OxigraphStore(None)
    load_files(store, [Path(__file__).parent / "data" / "two-standards.ttl"])
    before = sorted(map(str, store.quads()))
    path = folder / f"input{suffix}"
    path.write_bytes(data)
    try:
        load_files(store, [path])
    except BadInput:
        assert sorted(map(str, store.quads())) == before
    store.close()


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "store"
    store = OxigraphStore(path)
    load_sample(store)
    app_ = create_app(Settings(store=str(path), query_workers=1, query_timeout=5.0,
                               max_upload_bytes=200_000), store)
    with app_.test_client() as test_client:
        yield test_client
    app_.extensions["bpss_kg"].queries.close()
    store.close()


HOSTILE = st.one_of(st.text(max_size=60), st.sampled_from([
    '370502" } ; DROP ALL ; #', "<http://evil/>", "' OR 1=1 --", "\x00", "%", "\\", "{{7*7}}",
    "2026-13-40", "-1", "9" * 40, "<script>alert(1)</script>"]))


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(sorted(library())), value=HOSTILE, key=st.text(max_size=10))
def test_hostile_api_parameters_never_give_a_server_error(client, name, value, key):
    query = library()[name]
    params = {p.name: value for p in query.parameters} or {key or "x": value}
    response = client.get(f"/api/queries/{name}", query_string=params)
    assert response.status_code in (200, 400, 404, 406, 413), response.data[:300]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(["/search", "/resource", "/county/370502", "/compare",
                             "/national-list", "/sparql"]),
       key=st.sampled_from(["q", "iri", "counties", "lang", "page", "query", "format"]),
       value=HOSTILE)
def test_hostile_page_parameters_never_give_a_server_error(client, path, key, value):
    response = client.get(path, query_string={key: value})
    assert response.status_code < 500, (path, key, value, response.data[:300])


def test_request_bodies_are_bounded(client):
    response = client.post("/sparql", data=b"x" * 300_000,
                           content_type="application/sparql-query")
    assert response.status_code == 413


def _unmount(mount_point: Path) -> None:
    # The CLI runner's captured traceback may still hold an open file of the failed load:
    # detach lazily then, so that no mount outlives the test.
    if subprocess.run(["umount", str(mount_point)], capture_output=True).returncode != 0:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


@pytest.mark.slow
def test_a_full_disk_is_a_clear_error_and_nothing_is_lost(tmp_path):
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs",
                              str(mount_point)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        store = str(mount_point / "store")
        runner = CliRunner()
        assert runner.invoke(app, ["load", "--sample", "--store", store]).exit_code == 0
        before = runner.invoke(app, ["stats", "--format", "json", "--store", store]).stdout
        big = tmp_path / "big.nq"
        generate(counties=300, seed=1, out=big)
        result = runner.invoke(app, ["load", str(big), "--store", store])
        assert result.exit_code == 3
        assert "no space left" in result.output and "nothing was written" in result.output
        stats = runner.invoke(app, ["stats", "--format", "json", "--store", store])
        assert '"counties": 5' in stats.stdout and stats.stdout == before
    finally:
        _unmount(mount_point)


@pytest.mark.slow
def test_a_read_only_store_path_is_a_clear_error(tmp_path):
    mount_point = tmp_path / "ro"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs",
                              str(mount_point)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        store = str(mount_point / "store")
        runner = CliRunner()
        assert runner.invoke(app, ["load", "--sample", "--store", store]).exit_code == 0
        subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], check=True)
        result = runner.invoke(app, ["load", str(Path(__file__).parent / "data" /
                                                 "two-standards.ttl"), "--store", store])
        assert result.exit_code == 3
        assert "not writable" in result.output and "Traceback" not in result.output
    finally:
        _unmount(mount_point)
