"""Worker pools never outlive the process that started them (summaries and validation run
their counties in such pools): a pool whose parent is killed ends, even while working."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from .serve_process import alive, descendants

SCRIPT = """
import time
from bpss_kg.processes import chunked_map
from tests.test_processes import nap
chunked_map(nap, [60, 60], 2)
"""


def nap(seconds: int) -> int:
    time.sleep(seconds)
    return seconds


def test_pool_workers_exit_when_their_parent_is_killed():
    root = Path(__file__).resolve().parents[1]
    parent = subprocess.Popen([sys.executable, "-c", SCRIPT], cwd=root)
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while len(workers) < 2 and time.monotonic() < deadline:
            workers = {p for p in descendants(parent.pid)
                       if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()}
            time.sleep(0.2)
        assert len(workers) >= 2
        time.sleep(1.0)  # the workers are napping inside their task
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 10
        while alive(workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert alive(workers) == set()
    finally:
        if parent.poll() is None:
            parent.kill()
