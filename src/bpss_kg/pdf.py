"""HTML to PDF with Debian's chromium (headless), for the county report (issue 19).

The report is an HTML page whose charts are drawn by ECharts in the page; a browser engine is
what prints it as people see it, charts and CJK text included, so the PDF is chromium's
``--print-to-pdf`` of a file written to a private folder (no network: assets are ``file:``
URLs). Chromium is a system package (``apt install chromium``, which scripts/setup.sh installs);
without it the PDF is refused with a message saying so and the HTML report still works.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import StoreError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT = 120


class NoBrowser(StoreError):
    """No chromium to print with (HTTP 503)."""


def chromium() -> str:
    found = os.environ.get("BPSS_KG_CHROMIUM") or next(
        (p for p in (shutil.which(c) for c in CANDIDATES) if p), None)
    if not found:
        raise NoBrowser("printing a PDF needs Debian's chromium (apt install chromium) or "
                        "BPSS_KG_CHROMIUM naming a Chromium binary; the HTML report works "
                        "without it")
    return found


def html_to_pdf(html: str) -> bytes:
    """The PDF chromium prints of ``html`` (assets referenced by ``file:`` URLs)."""
    binary = chromium()
    with tempfile.TemporaryDirectory(prefix="bpss-report-") as tmp:
        page, out = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        page.write_text(html, encoding="utf-8")
        done = subprocess.run(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update",
             f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer",
             "--virtual-time-budget=10000", "--run-all-compositor-stages-before-draw",
             f"--print-to-pdf={out}", page.as_uri()],
            capture_output=True, timeout=TIMEOUT, check=False)
        if not out.is_file() or out.stat().st_size == 0:
            raise StoreError(f"chromium did not print the report (exit {done.returncode}): "
                             f"{done.stderr.decode('utf-8', 'replace')[-400:]}")
        return out.read_bytes()
