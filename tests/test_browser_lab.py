"""`make lab` opens JupyterLab on the study notebooks with the package importable; in JupyterLab
the answers are folded, citations read as numbered links, a markdown link opens the next
notebook, and a cell runs `explainer`.

The server runs on a copy of notebooks/study, so nothing JupyterLab saves touches the repo."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from harness.server import free_port

pytestmark = pytest.mark.server

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory, artifacts):
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(REPO / "notebooks" / "study", root / "study")
    port, token = free_port(), secrets.token_hex(12)
    args = (f"--no-browser --IdentityProvider.token={token} --ServerApp.port_retries=0 "
            f"--LabApp.workspaces_dir={root / 'workspaces'} "
            f"--LabApp.user_settings_dir={root / 'settings'}")
    log = open(artifacts / "lab.log", "w")  # noqa: SIM115  (closed below)
    proc = subprocess.Popen(
        ["make", "-s", "lab", f"LAB_PORT={port}", f"LAB_DIR={root / 'study'}", f"LAB_ARGS={args}"],
        cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        if proc.poll() is not None:
            log.close()
            pytest.fail(f"make lab exited:\n{(artifacts / 'lab.log').read_text()}")
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=3)
            break
        except (urllib.error.URLError, OSError):
            if time.monotonic() > deadline:
                pytest.fail("JupyterLab did not start")
            time.sleep(0.5)
    yield base, token
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    log.close()


def test_make_lab_serves_the_study_notebooks(lab):
    base, token = lab
    with urllib.request.urlopen(f"{base}/api/contents?token={token}", timeout=10) as r:
        names = {item["name"] for item in json.load(r)["content"]}
    assert {"index.ipynb", "receptor.ipynb", "pharmacokinetics.ipynb", "evidence.ipynb",
            "safety.ipynb", "self-check.ipynb"} <= names


def test_in_jupyterlab_links_open_notebooks_and_the_package_imports(lab, browser, artifacts):
    base, token = lab
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/lab/tree/receptor.ipynb?token={token}", wait_until="domcontentloaded",
              timeout=120_000)
    markdown = page.locator(".jp-MarkdownCell .jp-RenderedMarkdown")
    markdown.first.wait_for(timeout=120_000)
    folded = page.locator(".jp-RenderedMarkdown details.kx-reveal")
    folded.first.wait_for(state="attached", timeout=60_000)
    assert page.locator(".jp-RenderedMarkdown details.kx-reveal[open]").count() == 0
    # Citations read as numbered links in JupyterLab too (stored so by `sync-citations`).
    text = page.locator(".jp-Notebook").first.inner_text()
    assert "[@" not in text and "half the sites) [2]" in text
    assert page.locator(".jp-RenderedMarkdown a[href='#ref-ebert1997']").count() >= 1
    page.screenshot(path=str(artifacts / "lab-receptor.png"))

    page.locator(".jp-RenderedMarkdown a", has_text="2 · Pharmacokinetics").first.click()
    tab = page.locator(".lm-TabBar-tab", has_text="pharmacokinetics.ipynb")
    tab.wait_for(timeout=60_000)
    heading = page.locator(".jp-NotebookPanel:visible .jp-RenderedMarkdown h1",
                           has_text="Pharmacokinetics")
    heading.wait_for(timeout=60_000)

    # JupyterLab drops a run sent while the notebook's kernel is still connecting (the selection
    # advances, the cell stays "[ ]"), so do what a person would: wait for idle, run it again.
    panel = page.locator(".jp-NotebookPanel:visible")
    first_cell = panel.locator(".jp-CodeCell").first
    header = first_cell.locator(".jp-OutputArea-output .kx-header")
    for _attempt in range(6):
        panel.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(
            state="attached", timeout=120_000)
        first_cell.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Shift+Enter")
        try:
            header.wait_for(timeout=20_000)
            break
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
    header.wait_for(timeout=1_000)
    page.screenshot(path=str(artifacts / "lab-pharmacokinetics-ran.png"))
    context.close()
