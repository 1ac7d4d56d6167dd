"""`bpss-kg serve` as users run it, for tests: the real command (gunicorn, its worker, the query
worker processes) on a store on disk, on a free loopback port."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

from .http_server import free_port


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (read from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    """The processes of ``pids`` that still run (zombies count as gone)."""
    running = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            running.add(pid)
    return running


@dataclass
class Served:
    base: str
    process: subprocess.Popen[bytes]
    log: Path

    def url(self, path: str) -> str:
        return self.base + path

    def processes(self) -> set[int]:
        """The server's process tree: gunicorn master, worker and query workers."""
        return {self.process.pid} | descendants(self.process.pid)

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def request(method: str, url: str, data: bytes | None = None, headers: dict[str, str] | None
            = None, timeout: float = 30.0) -> tuple[int, Message, bytes]:
    """One HTTP request; (status, headers, body) whatever the status."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def sparql_ask(base: str, ask: str, timeout: float = 30.0) -> bool:
    status, _, body = request("POST", f"{base}/sparql", ask.encode(),
                              {"Content-Type": "application/sparql-query",
                               "Accept": "application/sparql-results+json"}, timeout)
    assert status == 200, body
    return json.loads(body)["boolean"]


def wait_until_up(served: Served, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            raise AssertionError(f"bpss-kg serve exited {served.process.returncode}:\n"
                                 f"{served.log_text()}")
        try:
            with urllib.request.urlopen(served.url("/api/queries"), timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"bpss-kg serve did not come up:\n{served.log_text()}")


def start(store: Path, log: Path, *, env: dict[str, str] | None = None,
          extra: list[str] | None = None, port: int | None = None) -> Served:
    """Start ``bpss-kg serve`` in a new process group and wait until it answers."""
    port = port or free_port()
    handle = open(log, "ab")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [sys.executable, "-m", "bpss_kg.cli", "serve", "--store", str(store), "--port",
         str(port), *(extra or [])],
        stdout=handle, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, **(env or {})})
    served = Served(f"http://127.0.0.1:{port}", process, log)
    wait_until_up(served)
    return served


def stop(served: Served, sig: int = signal.SIGTERM, timeout: float = 30.0) -> set[int]:
    """Stop the server (SIGTERM to gunicorn, or SIGKILL to its whole process group); return
    the processes of its tree still running once it has gone (should be none)."""
    tree = served.processes()
    if served.process.poll() is None:
        if sig == signal.SIGKILL:
            os.killpg(served.process.pid, signal.SIGKILL)
        else:
            served.process.send_signal(sig)
        try:
            served.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(served.process.pid, signal.SIGKILL)
            served.process.wait(timeout=10)
    deadline = time.monotonic() + 10
    while alive(tree - {served.process.pid}) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive(tree - {served.process.pid})


@contextmanager
def serving(store: Path, log: Path, **options: object) -> Iterator[Served]:
    served = start(store, log, **options)  # type: ignore[arg-type]
    try:
        yield served
    finally:
        left = stop(served)
        for pid in left:  # never leave a process behind, even when a test failed
            os.kill(pid, signal.SIGKILL)
