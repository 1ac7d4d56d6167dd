"""Browser tests: Debian's chromium (headless) driven by Playwright against a real server on
127.0.0.1 serving the sample data. Skipped when chromium or Playwright is missing."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bpss_kg.config import Settings
from bpss_kg.loading import load_sources, sample_sources, source_for_file
from bpss_kg.store import OxigraphStore
from server import create_app
from tests.http_server import running

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
TEST_DATA = Path(__file__).resolve().parent.parent / "data"
SERVED_STORE: dict[str, Path] = {}  # base URL → store folder (tokens live beside it)

sync_api = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
    pytest.skip("Debian's chromium is not installed (scripts/setup.sh installs it)",
                allow_module_level=True)


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample data plus one standard titled with markup, served on a loopback port."""
    path = tmp_path_factory.mktemp("browser") / "store"
    store = OxigraphStore(path)
    load_sources(store, [*sample_sources(), source_for_file(TEST_DATA / "xss-standard.trig")])
    app = create_app(Settings(store=str(path), query_workers=1, query_timeout=20), store)
    with running(app) as url:
        SERVED_STORE[url] = path
        yield url
    app.extensions["bpss_kg"].queries.close()
    store.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        handle = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield handle
        handle.close()


@pytest.fixture
def page(browser, base_url: str) -> Iterator[object]:
    """A fresh page; a JavaScript dialog (e.g. an injected ``alert``) fails the test."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900},
                                  locale="zh-CN")
    handle = context.new_page()
    dialogs: list[str] = []
    handle.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield handle
    context.close()
    assert not dialogs, f"a page opened a dialog: {dialogs}"
