"""pytest's fixtures and hooks only: a real `ketamine-explainer serve` process, headless Debian
Chromium, a watched page. The helpers they are built on (and that tests import) are in `harness/`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.browser import PageWatch, launch
from harness.server import ARTIFACTS, Server


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/ from today's output (tests/test_golden.py; "
                          "or set KX_UPDATE_GOLDEN=1); review the diff before committing")



def pytest_collection_modifyitems(items):
    """`browser` marks exactly the tests that start a browser (they use the `browser` fixture, or
    say so themselves); `server` marks those that start a server without one."""
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if "browser" in used:
            item.add_marker(pytest.mark.browser)
        elif used & {"server", "make_server"} and not item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.server)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


SESSION_KERNELS = ("--max-kernels", "400")
"""The servers a whole test session shares serve hundreds of pages. A page whose browser context
closes without Voilà's shutdown beacon keeps its kernel until it is culled, so over a session
they add up past the machine-sized default cap (40 here) and later pages got the busy page. The
caps themselves are tested on servers of their own (tests/test_hostile_admission.py)."""


@pytest.fixture(scope="session")
def server(artifacts):
    srv = Server(*SESSION_KERNELS, log_path=artifacts / "server.log")
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def make_server(artifacts, tmp_path_factory):
    """Start extra servers with other options; all are stopped at the end."""
    started = []

    def make(*extra, notebook_dir=None, name="extra", env=None):
        if "--max-kernels" not in extra:
            extra = (*SESSION_KERNELS, *extra)
        srv = Server(*extra, notebook_dir=notebook_dir, log_path=artifacts / f"server-{name}.log",
                     env=env)
        started.append(srv)
        return srv

    yield make
    for srv in started:
        srv.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        try:
            b = launch(pw)
        except RuntimeError as err:
            pytest.fail(str(err))
        yield b
        b.close()


@pytest.fixture
def watch(browser, server):
    """A fresh desktop-sized page on the shared server."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    w = PageWatch(page, server.url)
    yield w
    context.close()


@pytest.fixture
def figure_spy(monkeypatch):
    """`start()` begins counting matplotlib Figure constructions; returns the growing list."""

    def start() -> list:
        import matplotlib.figure

        made = []
        original = matplotlib.figure.Figure.__init__

        def spy(self, *args, **kwargs):
            made.append(1)
            original(self, *args, **kwargs)

        monkeypatch.setattr(matplotlib.figure.Figure, "__init__", spy)
        return made

    return start
