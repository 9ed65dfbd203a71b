"""Shared fixtures: a real `ketamine-explainer serve` process and headless Debian Chromium."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
VIEWPORTS = {"desktop": (1280, 800), "tablet": (768, 1024), "phone": (390, 844)}


def leaves(node, path: str = ""):
    """Every (path, value) leaf of a YAML-like tree: mappings by key, lists and tuples by index."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            yield from leaves(value, f"{path}.{key}")
    elif isinstance(node, (list, tuple)):
        for index, value in enumerate(node):
            yield from leaves(value, f"{path}[{index}]")
    else:
        yield path, node


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/ from today's output (tests/test_golden.py; "
                          "or set KX_UPDATE_GOLDEN=1); review the diff before committing")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_consecutive_ports(count: int, avoid: tuple[int, ...] = ()) -> int:
    """The first of `count` consecutive loopback ports that are free now (and not in `avoid`):
    `deploy.multi --first-port P` uses P, P+1, ... (a free P alone once left P+1 taken)."""
    for _ in range(200):
        first = free_port()
        ports = range(first, first + count)
        if ports[-1] > 65535 or set(ports) & set(avoid):
            continue
        held = []
        try:
            for port in ports:
                s = socket.socket()
                held.append(s)
                s.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            for s in held:
                s.close()
        return first
    raise RuntimeError(f"no {count} consecutive free ports")


class Server:
    """A running explainer server on a free port; its log is kept for assertions."""

    def __init__(self, *extra: str, notebook_dir: Path | None = None, log_path: Path,
                 env: dict[str, str] | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        command = str(Path(sys.executable).parent / "ketamine-explainer")
        args = [command, "serve", "--port", str(self.port)]
        if notebook_dir is not None:
            args += ["--notebook-dir", str(notebook_dir)]
        self._log = open(log_path, "w")  # noqa: SIM115  (closed in stop)
        self.proc = subprocess.Popen(
            [*args, *extra], stdout=self._log, stderr=subprocess.STDOUT, cwd=REPO,
            env={**os.environ, **(env or {})},
        )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()}")
            try:
                urllib.request.urlopen(self.url + "/voila/static/", timeout=2)
                return
            except urllib.error.HTTPError:
                return  # it answered
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"server did not start:\n{self.log()}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def kernels(self) -> dict[str, int]:
        """Running kernels of this server: kernel id -> process id."""
        import psutil

        try:
            children = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return {}
        found = {}
        for child in children:
            try:
                cmd = " ".join(child.cmdline())
            except psutil.Error:
                continue
            match = re.search(r"kernel-([0-9a-f-]{36})\.json", cmd)
            if ("ipykernel" in cmd or "explainer.serving.kernel" in cmd) and match:
                found[match.group(1)] = child.pid
        return found

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._log.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def server(artifacts):
    srv = Server(log_path=artifacts / "server.log")
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def make_server(artifacts, tmp_path_factory):
    """Start extra servers with other options; all are stopped at the end."""
    started = []

    def make(*extra, notebook_dir=None, name="extra", env=None):
        srv = Server(*extra, notebook_dir=notebook_dir, log_path=artifacts / f"server-{name}.log",
                     env=env)
        started.append(srv)
        return srv

    yield make
    for srv in started:
        srv.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test`, which installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


class PageWatch:
    """A page plus what it logged and requested, for the per-page assertions."""

    def __init__(self, page, server_url: str):
        self.page = page
        self.server_url = server_url
        self.console_errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda err: self.console_errors.append(f"pageerror: {err}"))
        page.on("request", lambda req: self.requests.append(req.url))

    def _on_console(self, msg) -> None:
        if msg.type == "error":
            self.console_errors.append(msg.text)

    def foreign_requests(self) -> list[str]:
        from urllib.parse import urlsplit

        own = urlsplit(self.server_url).netloc
        return [
            u
            for u in self.requests
            if urlsplit(u).scheme in ("http", "https", "ws", "wss") and urlsplit(u).netloc != own
        ]

    def assert_clean(self) -> None:
        """No console error, no request to another host, nothing wider than the window."""
        assert self.console_errors == [], self.console_errors
        assert self.foreign_requests() == [], self.foreign_requests()
        overflow = self.page.evaluate(
            "(() => { const r = document.querySelector('#rendered_cells');"
            " return Math.max(document.documentElement.scrollWidth - window.innerWidth,"
            " r ? r.scrollWidth - r.clientWidth : 0); })()")
        assert overflow <= 1, f"page is {overflow}px wider than the window"

    def open(self, path: str, ready: str = ".kx-footer", timeout: float = 90_000):
        self.page.goto(self.server_url + path, wait_until="domcontentloaded", timeout=timeout)
        self.page.wait_for_selector(ready, state="visible", timeout=timeout)
        return self.page


@pytest.fixture
def watch(browser, server):
    """A fresh desktop-sized page on the shared server."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    w = PageWatch(page, server.url)
    yield w
    context.close()


def open_sized(browser, server, path: str, ready: str, size: str = "desktop"):
    """A fresh context at one of `VIEWPORTS`, opened on `path`; waits for `ready`.

    Returns (context, watch, page); the caller closes the context."""
    width, height = VIEWPORTS[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    w = PageWatch(context.new_page(), server.url)
    page = w.open(path)
    page.wait_for_selector(ready, timeout=90_000)
    return context, w, page


def full_page_shot(page, path, size: str, settle_ms: int = 300, resize_ms: int = 150) -> None:
    """The whole page in one screenshot: the window is made as tall as Voilà's scrolling area
    (`#rendered_cells`; the page scrolls inside it), then set back to `VIEWPORTS[size]`."""
    width, height = VIEWPORTS[size]
    page.wait_for_timeout(settle_ms)  # let pictures and pulse animations settle
    tall = page.evaluate("document.querySelector('#rendered_cells').scrollHeight")
    page.set_viewport_size({"width": width, "height": max(height, tall)})
    page.wait_for_timeout(resize_ms)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": width, "height": height})


def wait_for_text(page, selector: str, text: str, timeout: float = 30_000) -> None:
    """Wait until the first element matching `selector` contains `text`."""
    page.wait_for_function(
        "([sel, text]) => { const e = document.querySelector(sel);"
        " return e && e.textContent.includes(text); }", arg=[selector, text], timeout=timeout)


def wait_for_change(page, selector: str, old: str, what: str = "innerHTML",
                    timeout: float = 30_000) -> None:
    """Wait until the first element matching `selector` has a `what` other than `old`."""
    page.wait_for_function(
        "([sel, old, what]) => { const e = document.querySelector(sel);"
        " return e && e[what] !== old; }", arg=[selector, old, what], timeout=timeout)


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
