"""A real Virtuoso (Debian's virtuoso-opensource) on 127.0.0.1 for the remote-store tests.

The packaged ``virtuoso.ini`` is copied into a temporary directory, its database, transaction
and log files moved there, both ports bound to free ports on 127.0.0.1; ``isql-vt`` then gives
the ``SPARQL`` user (the one anonymous HTTP requests run as) the right to update.
"""

from __future__ import annotations

import configparser
import shutil
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

PACKAGED_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
BINARY = "virtuoso-t"
ISQL = "isql-vt"
GRANTS = (
    'GRANT SPARQL_UPDATE TO "SPARQL";',
    "GRANT EXECUTE ON DB.DBA.L_O_LOOK TO \"SPARQL\";",
    "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);",
)


def missing() -> str | None:
    """Why Virtuoso cannot run here, or None when it can."""
    for tool in (BINARY, ISQL):
        if shutil.which(tool) is None:
            return (f"{tool} not found: install Debian's virtuoso-opensource "
                    "(scripts/setup.sh does when run as root)")
    if not PACKAGED_INI.is_file():
        return f"{PACKAGED_INI} not found (virtuoso-opensource-7 is incomplete)"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Virtuoso:
    directory: Path
    sql_port: int
    http_port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql(self) -> str:
        return f"{self.base}/sparql"

    @property
    def graph_store(self) -> str:
        return f"{self.base}/sparql-graph-crud"

    def write_ini(self) -> Path:
        ini = configparser.RawConfigParser(strict=False, inline_comment_prefixes=(";",))
        ini.optionxform = str  # type: ignore[assignment,method-assign]
        ini.read(PACKAGED_INI)
        db = self.directory
        ini["Database"].update({
            "DatabaseFile": str(db / "virtuoso.db"), "ErrorLogFile": str(db / "virtuoso.log"),
            "LockFile": str(db / "virtuoso.lck"), "TransactionFile": str(db / "virtuoso.trx"),
            "xa_persistent_file": str(db / "virtuoso.pxa")})
        ini["TempDatabase"].update({
            "DatabaseFile": str(db / "virtuoso-temp.db"),
            "TransactionFile": str(db / "virtuoso-temp.trx")})
        ini["Parameters"]["ServerPort"] = f"127.0.0.1:{self.sql_port}"
        ini["Parameters"]["DirsAllowed"] = f"., {db}, /usr/share/virtuoso-opensource-7/vad"
        ini["Parameters"]["NumberOfBuffers"] = "10000"
        ini["HTTPServer"]["ServerPort"] = f"127.0.0.1:{self.http_port}"
        ini["HTTPServer"]["ServerRoot"] = "/var/lib/virtuoso-opensource-7/vsp"
        ini["SPARQL"]["ResultSetMaxRows"] = "1000000"
        ini["SPARQL"]["MaxQueryExecutionTime"] = "120"
        path = db / "virtuoso.ini"
        with open(path, "w") as handle:
            ini.write(handle)
        return path

    def start(self, timeout: float = 60.0) -> None:
        ini = self.write_ini()
        self.process = subprocess.Popen(
            [BINARY, "+configfile", str(ini), "+foreground"], cwd=self.directory,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = (self.directory / "virtuoso.log")
                tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                raise RuntimeError(f"virtuoso-t exited with {self.process.returncode}:\n{tail}")
            try:
                with urllib.request.urlopen(f"{self.sparql}?query=ASK%7B%7D", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        else:
            self.stop()
            raise RuntimeError(f"Virtuoso did not answer on {self.sparql} in {timeout:g} s")
        self.isql(*GRANTS)

    def isql(self, *statements: str) -> str:
        done = subprocess.run(
            [ISQL, f"127.0.0.1:{self.sql_port}", "dba", "dba"],
            input="\n".join(statements) + "\n", capture_output=True, text=True, timeout=60,
            check=True)
        return done.stdout

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
