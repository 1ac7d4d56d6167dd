"""Shared fixtures: paths to small test files, a fresh on-disk store, the CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bpss_kg.store import OxigraphStore

TEST_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def test_data() -> Path:
    return TEST_DATA


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def store(store_path: Path):
    handle = OxigraphStore(store_path)
    yield handle
    handle.close()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    """A real Virtuoso on 127.0.0.1 for this test session (skipped only without the binary)."""
    from .virtuoso import Virtuoso, free_port, missing

    reason = missing()
    if reason:
        pytest.skip(reason)
    server = Virtuoso(tmp_path_factory.mktemp("virtuoso"), free_port(), free_port())
    server.start()
    yield server
    server.stop()
