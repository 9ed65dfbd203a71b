"""Several explainer processes behind nginx (deploy/), driven through the proxy in Chromium.

- sticky sessions: each page's kernel websocket reaches the process that started its kernel
  (the page works, its kernel is on exactly one process, and pages land on both);
- a process dies mid-session: its pages say in plain words that the connection was lost and
  offer a reload, which lands on the live process; pages on the other process notice nothing.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request

import pytest

from deploy.multi import Nginx, render
from explainer import content
from harness.browser import PageWatch
from harness.server import REPO, Server, free_consecutive_ports, free_port, stop_all

pytestmark = pytest.mark.server

URL = "/voila/render/walkthrough.ipynb"
COUNTER = ".kx-wt-counter"
LOST = ".kx-connection-lost"
TIMEOUT = 60_000


@pytest.fixture
def cluster(artifacts):
    """Two explainer processes and nginx on loopback; stopped at the end."""
    servers = [Server(log_path=artifacts / f"server-proxy-{i}.log") for i in range(2)]
    nginx = Nginx([s.port for s in servers], f"127.0.0.1:{free_port()}")
    try:
        nginx.start()
        yield servers, f"http://{nginx.listen}"
    finally:
        nginx.stop()
        stop_all(servers)


def kernel_id(page) -> str:
    config = page.evaluate("document.getElementById('jupyter-config-data').textContent")
    return json.loads(config)["kernelId"]


def owner(servers, kid: str) -> list[int]:
    return [i for i, s in enumerate(servers) if kid in s.kernels()]


class Viewer:
    """One browser context (its own cookies) on the walkthrough, through the proxy."""

    def __init__(self, browser, proxy_url: str):
        self.context = browser.new_context(viewport={"width": 1280, "height": 800})
        self.watch = PageWatch(self.context.new_page(), proxy_url)
        self.sockets: list[str] = []
        self.watch.page.on("websocket", lambda ws: self.sockets.append(ws.url))
        self.page = self.watch.open(URL, ready=COUNTER, timeout=TIMEOUT)
        self.kid = kernel_id(self.page)

    def step(self) -> str:
        return self.page.inner_text(COUNTER).strip()

    def next_step(self) -> None:
        """Press Next; the kernel answers over the page's websocket with the next step."""
        n = int(self.step().split()[1])
        self.page.click(".kx-wt-next")
        self.page.wait_for_function(
            "t => document.querySelector('.kx-wt-counter').textContent.trim() === t",
            arg=f"Step {n + 1} of {len(content.STEPS)}", timeout=TIMEOUT)


def viewers_on_both(browser, proxy_url, servers, limit: int = 12) -> dict[int, Viewer]:
    """Open viewers until each process holds at least one (new viewers go to either at random;
    twelve all landing on one process has odds of 1 in 2,048)."""
    placed: dict[int, list[Viewer]] = {0: [], 1: []}
    for _ in range(limit):
        v = Viewer(browser, proxy_url)
        where = owner(servers, v.kid)
        assert len(where) == 1, f"kernel {v.kid} on processes {where}"
        placed[where[0]].append(v)
        if placed[0] and placed[1]:
            return placed
    raise AssertionError("every viewer landed on one process")


def test_nginx_configuration_is_valid_for_several_processes(tmp_path):
    conf = tmp_path / "nginx.conf"
    conf.write_text(render([8866, 8867, 8868], "127.0.0.1:8080", standalone=True,
                           run_dir=tmp_path))
    check = subprocess.run(["nginx", "-t", "-p", str(tmp_path), "-c", str(conf)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    site = render([8866, 8867], "443")
    assert "ip_hash" not in site and "kx_process=$kx_served" in site
    assert site.count("backup;") == 2


def test_each_page_keeps_its_websocket_on_its_process(browser, cluster):
    servers, proxy_url = cluster
    placed = viewers_on_both(browser, proxy_url, servers)
    viewers = [v for group in placed.values() for v in group]
    for v in viewers:
        v.next_step()  # a round trip over the page's kernel websocket, through nginx
        assert all(url.startswith(proxy_url.replace("http", "ws")) for url in v.sockets)
        assert any(f"/api/kernels/{v.kid}/channels" in url for url in v.sockets)
        cookie = {c["name"]: c["value"] for c in v.context.cookies()}["kx_process"]
        assert owner(servers, v.kid) == [int(cookie[1:])], "the cookie names the kernel's process"
        v.watch.assert_clean()
    for v in viewers:
        v.context.close()


def test_a_process_dies_its_pages_say_so_and_a_reload_lands_on_the_live_one(browser, cluster,
                                                                               artifacts):
    servers, proxy_url = cluster
    placed = viewers_on_both(browser, proxy_url, servers)
    doomed, survivor = placed[0][0], placed[1][0]
    doomed.next_step()
    survivor.next_step()
    os.kill(servers[0].proc.pid, signal.SIGKILL)  # the process dies: no goodbye to its pages
    servers[0].proc.wait(timeout=10)

    doomed.page.wait_for_selector(LOST, state="visible", timeout=TIMEOUT)
    words = doomed.page.inner_text(LOST)
    assert "connection was lost" in words and "Reload the page" in words
    assert "Traceback" not in words and "Error" not in words
    doomed.page.screenshot(path=str(artifacts / "proxy-connection-lost.png"))

    survivor.next_step()  # the other process's page still works, and says nothing
    assert survivor.page.locator(LOST).count() == 0

    doomed.page.click(".kx-connection-reload")
    doomed.page.wait_for_selector(COUNTER, timeout=TIMEOUT)
    doomed.kid = kernel_id(doomed.page)
    assert owner(servers, doomed.kid) == [1], "the reload lands on the live process"
    doomed.next_step()
    assert doomed.page.locator(LOST).count() == 0
    survivor.next_step()
    for v in (doomed, survivor):
        v.context.close()
    for group in placed.values():
        for v in group:
            if v not in (doomed, survivor):
                v.context.close()


def test_make_multi_starts_processes_behind_nginx_and_stops_them_all():
    """The one command (`make multi` runs `python -m deploy.multi`): pages answer through
    nginx, and stopping it stops nginx and every explainer process."""
    import psutil

    from deploy.multi import wait_http

    assert "python -m deploy.multi" in (REPO / "Makefile").read_text()
    listen_port = free_port()
    first, listen = free_consecutive_ports(2, avoid=(listen_port,)), f"127.0.0.1:{listen_port}"
    proc = subprocess.Popen([sys.executable, "-m", "deploy.multi", "--processes", "2",
                             "--first-port", str(first), "--listen", listen], cwd=REPO)
    try:
        wait_http(f"http://{listen}/voila/static/", timeout=90, proc=proc)
        children = psutil.Process(proc.pid).children(recursive=True)
        names = " ".join(" ".join(c.cmdline()) for c in children)
        assert names.count("ketamine-explainer serve") == 2 and "nginx" in names
        with urllib.request.urlopen(f"http://{listen}/voila/render/start.ipynb") as page:
            cookies = " ".join(page.headers.get_all("Set-Cookie"))
            assert page.status == 200 and "kx_process=p" in cookies
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    gone, alive = psutil.wait_procs(children, timeout=30)
    assert alive == [], f"left running: {alive}"
