"""Take the documentation screenshots (docs/screenshots/) of a running bpss-kg server with
Debian's headless chromium. Usage: python scripts/screenshots.py http://127.0.0.1:8000"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
PAGES = {
    "county-dashboard": "/county/370502",
    "county-dashboard-en": "/county/370502?lang=en",
    "compare": "/compare?counties=370502,370503,370214",
    "home": "/",
}
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1100})
        for name, path in PAGES.items():
            page.goto(base + path)
            page.wait_for_timeout(800)  # let the charts finish their animation
            page.screenshot(path=str(OUT / f"{name}.png"))
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
