"""A viewer cannot run code: execute requests over the page's kernel websocket are dropped.
Kernels of closed pages are shut down or culled; a failing callback shows a friendly message."""

from __future__ import annotations

import shutil
import time
import uuid
from pathlib import Path

import nbformat
import pytest

from harness.browser import PageWatch
from harness.kernel_client import KernelClient, kernel_id
from harness.server import REPO

pytestmark = pytest.mark.browser


def test_execute_request_over_kernel_websocket_runs_nothing(watch, server, tmp_path):
    page = watch.open("/voila/render/about.ipynb")
    client = KernelClient(server.port, kernel_id(page))
    target = tmp_path / f"pwned-{uuid.uuid4().hex}"
    try:
        code = f"open({str(target)!r}, 'w').write('ran')"
        client.send("execute_request", {"code": code, "silent": False, "store_history": False,
                                        "user_expressions": {}, "allow_stdin": False})
        got = client.collect(4)
        assert not target.exists(), "the kernel ran code sent by a viewer"
        assert not any(m["header"]["msg_type"] == "execute_reply" for m in got)
        # The channel itself works (so the test is not passing for a broken socket):
        assert client.alive()
        assert not target.exists()
    finally:
        client.close()


def test_closing_a_page_shuts_its_kernel_down(browser, server):
    context = browser.new_context()
    w = PageWatch(context.new_page(), server.url)
    page = w.open("/voila/render/about.ipynb")
    kid = kernel_id(page)
    assert kid in server.kernels(), "the page should have a kernel"
    page.close(run_before_unload=True)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and kid in server.kernels():
        time.sleep(0.5)
    context.close()
    assert kid not in server.kernels()


def test_idle_kernel_of_a_vanished_page_is_culled(browser, make_server):
    srv = make_server("--cull-idle", "4", name="cull")
    context = browser.new_context()
    w = PageWatch(context.new_page(), srv.url)
    kid = kernel_id(w.open("/voila/render/about.ipynb"))
    assert kid in srv.kernels()
    context.close()  # no beforeunload: the page just vanishes
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline and kid in srv.kernels():
        time.sleep(1)
    assert kid not in srv.kernels()
    assert "Culling kernel" in srv.log() or "Kernel shutdown" in srv.log()


FAULT_CELL = """\
import ipywidgets as widgets
from explainer import pages
from explainer.widgets.safety import error_message, safe_callback

slot = error_message()
count = widgets.Label("0")
boom = widgets.Button(description="Break")
fine = widgets.Button(description="Count")

@safe_callback(slot)
def explode(_):
    raise RuntimeError("injected failure for the test")

@safe_callback(slot)
def add_one(_):
    count.value = str(int(count.value) + 1)

boom.on_click(explode)
fine.on_click(add_one)
pages.show(pages.footer_html())
widgets.VBox([slot, boom, fine, count])
"""


def test_failing_callback_shows_friendly_message_and_page_stays_usable(
    browser, make_server, tmp_path
):
    nbdir = tmp_path / "notebooks"
    shutil.copytree(REPO / "notebooks", nbdir)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(FAULT_CELL)]
    nbformat.write(nb, nbdir / "fault.ipynb")
    srv = make_server(notebook_dir=nbdir, name="fault")
    context = browser.new_context()
    w = PageWatch(context.new_page(), srv.url)
    page = w.open("/voila/render/fault.ipynb", ready="button:has-text('Break')")
    page.click("button:has-text('Break')")
    page.wait_for_selector(".kx-error", timeout=20_000)
    body = page.inner_text("body")
    assert "could not update" in body
    assert "Traceback" not in body and "injected failure" not in body
    page.click("button:has-text('Count')")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.widget-label')].some(e => e.textContent === '1')",
        timeout=20_000,
    )
    assert page.locator(".kx-error").count() == 0, "the message clears once things work again"
    context.close()
    assert "injected failure for the test" in srv.log()
    assert Path(srv.log_path).exists()


def test_kernels_listen_on_private_unix_sockets_not_loopback_ports(watch, server):
    """A viewer's kernel talks to the server over Unix sockets in a folder only the server's
    user can open: no kernel channel is a loopback TCP port (which any local user could
    reach, and which kernels starting together could collide on: "Address already in use")."""
    import json
    import os
    import stat

    import psutil

    page = watch.open("/voila/render/about.ipynb")
    pid = server.kernels()[kernel_id(page)]
    kernel = psutil.Process(pid)
    connection_file = next(a for a in kernel.cmdline() if a.endswith(".json"))
    info = json.loads(Path(connection_file).read_text())
    assert info["transport"] == "ipc"
    channels = [info[f"{name}_port"] for name in ("shell", "iopub", "stdin", "control", "hb")]
    for port in channels:
        assert Path(f"{info['ip']}-{port}").exists()
    folder = Path(connection_file).parent
    assert stat.S_IMODE(os.stat(folder).st_mode) & 0o077 == 0, "the socket folder is private"
    listening = {c.laddr.port for c in kernel.net_connections(kind="inet")
                 if c.status == psutil.CONN_LISTEN}
    assert not listening & set(channels)
    assert len(listening) <= 1, listening  # only ipykernel's own pipe for subprocess output
