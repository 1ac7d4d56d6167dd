"""Screenshots of the UI for docs/screenshots/: the county dashboard and the comparison page
(Chinese) and the county dashboard in English, on the bundled sample data.

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
]


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
                for name, path, full in SHOTS:
                    page.goto(base + path)
                    page.wait_for_load_state("networkidle")
                    page.screenshot(path=str(OUT / name), full_page=full)
                    print(f"wrote {OUT / name}")
                browser.close()
        finally:
            server.shutdown()
            app.extensions["bpss_kg"].queries.close()
            store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
