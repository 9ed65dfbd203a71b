"""pytest's fixtures and hooks only: a real `ketamine-explainer serve` process, headless Debian
Chromium, a watched page. The helpers they are built on (and that tests import) are in `harness/`.

Parallel runs. `make test` runs the suite in worker processes (pytest-xdist: `-n $(TEST_JOBS)
--dist loadfile`, see the Makefile). Each worker is a pytest session of its own, so it has its
own session-wide server and Chromium (one browser per worker, a fresh context per test), and its
logs carry the worker's name (`harness.server.worker_log`). Every test of a file runs on one
worker, in file order, so a module-scoped fixture (a server of its own, a lab, a clinic) starts
once and a file behaves as in a serial run; nothing needs writing in a test. Files that start a
browser or a server are handed out first (they are the long ones), so no worker is left with one
at the end. (`--dist loadgroup` would group finer, but pytest-xdist 3.8 ignores `xdist_group` on
pytest 9.2: pytest-xdist issue 1386.) A single file runs serially as before:
`.venv/bin/pytest tests/test_x.py`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.browser import PageWatch, launch
from harness.server import ARTIFACTS, Server, stop_all, worker_log


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/ from today's output (tests/test_golden.py; "
                          "or set KX_UPDATE_GOLDEN=1); review the diff before committing")



def pytest_collection_modifyitems(items):
    """`browser` marks exactly the tests that start a browser (they use the `browser` fixture, or
    say so themselves); `server` marks those that start a server without one. In a parallel run,
    the files holding such tests come first (see the module docstring)."""
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if "browser" in used:
            item.add_marker(pytest.mark.browser)
        elif used & {"server", "make_server"} and not item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.server)
    if os.environ.get("PYTEST_XDIST_WORKER"):
        slow = {item.path for item in items
                if item.get_closest_marker("browser") or item.get_closest_marker("server")
                or item.get_closest_marker("notebooks")}
        items.sort(key=lambda item: item.path not in slow)  # stable: file order kept within


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
    srv = Server(*SESSION_KERNELS, log_path=artifacts / worker_log("server"))
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def make_server(artifacts, tmp_path_factory):
    """Start extra servers with other options; all are stopped at the end."""
    started = []

    def make(*extra, notebook_dir=None, name="extra", env=None):
        if "--max-kernels" not in extra:
            extra = (*SESSION_KERNELS, *extra)
        srv = Server(*extra, notebook_dir=notebook_dir,
                     log_path=artifacts / worker_log(f"server-{name}"), env=env)
        started.append(srv)
        return srv

    yield make
    stop_all(started)


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
