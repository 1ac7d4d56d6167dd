"""Issue 21: "`BPSS_KG_QUERY_TIMEOUT=abc` ends in a traceback (settings validated in one place,
with a clear message)"."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bpss_kg.config import Settings
from bpss_kg.errors import BadInput


@pytest.mark.parametrize(("name", "value"), [
    ("BPSS_KG_QUERY_TIMEOUT", "abc"), ("BPSS_KG_QUERY_TIMEOUT", "-1"),
    ("BPSS_KG_QUERY_TIMEOUT", "nan"), ("BPSS_KG_RESULT_LIMIT", "1.5"),
    ("BPSS_KG_QUERY_WORKERS", "0"), ("BPSS_KG_MAX_UPLOAD_BYTES", "lots"),
])
def test_a_bad_number_names_the_variable(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(BadInput, match=f"environment variable {name} must be"):
        Settings.from_env()


def test_good_and_empty_values_are_read(monkeypatch):
    monkeypatch.setenv("BPSS_KG_QUERY_TIMEOUT", " 2.5 ")
    monkeypatch.setenv("BPSS_KG_RESULT_LIMIT", "")
    settings = Settings.from_env()
    assert settings.query_timeout == 2.5 and settings.result_limit == 100_000


@pytest.mark.parametrize("command", [["stats"], ["serve", "--port", "1"]])
def test_the_cli_says_so_and_exits_2_without_a_traceback(tmp_path, command):
    done = subprocess.run([sys.executable, "-m", "bpss_kg.cli", *command,
                           "--store", str(tmp_path / "s")], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "BPSS_KG_QUERY_TIMEOUT": "abc"})
    assert done.returncode == 2
    assert "BPSS_KG_QUERY_TIMEOUT must be a number" in done.stderr
    assert "Traceback" not in done.stderr
