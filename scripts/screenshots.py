"""Screenshots of the UI for docs/screenshots/: the county dashboard and the comparison page
(Chinese) and the county dashboard in English (also at 390 px), the catalog, search facets, a
standard's neighbourhood graph and the import page's report, on the bundled sample data.

Run: .venv/bin/python scripts/screenshots.py  (needs Debian's chromium and fonts-wqy-microhei;
scripts/setup.sh installs them when run as root). Serves a fresh temporary store on 127.0.0.1.
"""

from __future__ import annotations

import socket
import sys
import tempfile
import threading
from datetime import date
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from bpss_kg.config import Settings
from bpss_kg.loading import load_sample
from bpss_kg.store import OxigraphStore
from bpss_kg.validation import validate
from server import create_app

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
SHOTS = [  # file, path, full page
    ("county-dashboard.png", "/county/370502", True),
    ("compare.png", "/compare?counties=370502,370503,330424", True),
    ("county-dashboard-en.png", "/county/370502?lang=en", True),
    ("home.png", "/", False),
    ("catalog.png", "/catalog", False),
    ("search-facets-en.png", "/search?q=%E6%B5%B7&lang=en", False),
    ("standard-neighbourhood.png", "/id/standard/DB37-T-4604-2022", False),
    ("county-dashboard-390-en.png", "/county/370502?lang=en", True, 390),
    ("error-page.png", "/search?q=%E6%B5%B7&page=x", False),
    ("error-page-en.png", "/search?q=%E6%B5%B7&page=x&lang=en", False),
    ("standard-neighbourhood-en.png", "/id/standard/DB37-T-4604-2022?lang=en", False),
]
TABLE = ROOT / "tests" / "data" / "tables" / "good-utf8.csv"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        store = OxigraphStore(Path(tmp) / "store")
        load_sample(store)
        validate(store, as_of=date(2025, 6, 1))  # so the dashboard shows stored findings
        app = create_app(Settings(store=str(Path(tmp) / "store"), query_workers=1), store)
        server = make_server("127.0.0.1", free_port(), app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                     args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 900},
                                        device_scale_factor=1)
                for name, path, full, *width in SHOTS:
                    page.set_viewport_size({"width": width[0] if width else 1280, "height": 900})
                    page.goto(base + path)
                    page.wait_for_load_state("networkidle")
                    page.screenshot(path=str(OUT / name), full_page=full)
                    print(f"wrote {OUT / name}")
                for width in (1280, 390):  # the import page's report after a check
                    page.set_viewport_size({"width": width, "height": 900})
                    page.goto(base + "/import")
                    page.fill("#county", "370502")
                    page.set_input_files("#file", str(TABLE))
                    page.click("button[value=check]")
                    page.wait_for_load_state("networkidle")
                    page.screenshot(path=str(OUT / f"import-report-{width}.png"), full_page=True)
                    print(f"wrote {OUT / f'import-report-{width}.png'}")
                browser.close()
        finally:
            server.shutdown()
            app.extensions["bpss_kg"].queries.close()
            store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
