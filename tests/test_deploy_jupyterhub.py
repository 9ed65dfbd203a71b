"""The JupyterHub recipe (deploy/jupyterhub) and the systemd unit (deploy/systemd), exercised.

The hub runs the recipe as shipped, with only a test-only authenticator (a shared password)
and a local spawner put in: a person signs in in Chromium, the hub starts their explainer under
/user/<name>/, and its pages and kernel websocket work through configurable-http-proxy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from explainer.serving.cli import options_from_args
from harness.browser import PageWatch
from harness.server import REPO, free_port

RECIPE = REPO / "deploy" / "jupyterhub" / "jupyterhub_config.py"
UNIT = REPO / "deploy" / "systemd" / "ketamine-explainer@.service"
CHP = (Path(sys.executable).parent.parent / "chp" / "node_modules" / ".bin"
       / "configurable-http-proxy")

TEST_ONLY = """
load_subconfig({recipe!r})
c.JupyterHub.authenticator_class = "jupyterhub.auth.DummyAuthenticator"
c.DummyAuthenticator.password = "test-only"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = {home!r}
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.JupyterHub.db_url = "sqlite:///{tmp}/hub.sqlite"
c.JupyterHub.cookie_secret_file = "{tmp}/cookie_secret"
c.JupyterHub.pid_file = "{tmp}/hub.pid"
c.ConfigurableHTTPProxy.pid_file = "{tmp}/proxy.pid"
"""


def wait_hub(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    """Until the hub itself answers 200 (the proxy answers 404 before the hub's route is in)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "jupyterhub exited"
        try:
            with urllib.request.urlopen(url, timeout=3) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} did not answer 200 in {timeout:.0f} s")


@pytest.fixture
def hub(tmp_path, artifacts):
    if not CHP.exists():
        pytest.fail(f"configurable-http-proxy not found at {CHP}: run `make test`, which "
                    "installs it from npm")
    port = free_port()
    config = tmp_path / "test_config.py"
    config.write_text(TEST_ONLY.format(recipe=str(RECIPE), home=str(tmp_path / "home-{username}"),
                                       hub_port=free_port(), api_port=free_port(), tmp=tmp_path))
    log = open(artifacts / "jupyterhub.log", "w")  # noqa: SIM115  (closed below)
    env = {**os.environ, "KX_HUB_URL": f"http://127.0.0.1:{port}"}
    proc = subprocess.Popen([str(Path(sys.executable).parent / "jupyterhub"), "-f", str(config)],
                            cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        wait_hub(f"http://127.0.0.1:{port}/hub/health", proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.mark.browser
def test_a_person_signs_in_and_gets_their_own_explainer(browser, hub):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    w = PageWatch(context.new_page(), hub)
    page = w.page
    try:
        page.goto(f"{hub}/hub/login", timeout=60_000)
        page.fill("input[name=username]", "alice")
        page.fill("input[name=password]", "test-only")
        page.click("input[type=submit], button[type=submit]")
        page.wait_for_url("**/user/alice/voila/render/start.ipynb", timeout=120_000)
        page.wait_for_selector(".kx-footer", timeout=90_000)
        page.goto(f"{hub}/user/alice/voila/render/walkthrough.ipynb", timeout=90_000)
        page.wait_for_selector(".kx-wt-counter", timeout=90_000)
        page.click(".kx-wt-next")  # a round trip over the kernel websocket, through the proxy
        page.wait_for_function(
            "() => document.querySelector('.kx-wt-counter').textContent.trim() === 'Step 2 of 9'",
            timeout=60_000)
        w.console_errors = [e for e in w.console_errors if "favicon" not in e]
        w.assert_clean()
    finally:
        context.close()


def test_the_unit_runs_the_real_command_and_passes_systemd_analyze(tmp_path):
    text = UNIT.read_text()
    exec_start = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    args = exec_start.split("ketamine-explainer serve", 1)[1].replace("%i", "8867").split()
    options = options_from_args(["serve", *args])
    assert (options.port, options.host, options.cull_idle_seconds) == (8867, "127.0.0.1", 600)
    assert "KETAMINE_EXPLAINER_CACHE=" in text and "ProtectSystem=strict" in text
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    local = (text.replace("/opt/ketamine-explainer", str(REPO))
             .replace("User=ketamine-explainer", "User=root")
             .replace("Group=ketamine-explainer", "Group=root"))
    unit = tmp_path / "ketamine-explainer@8866.service"
    unit.write_text(local)
    check = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
