"""The clinic's own explainer in real headless Chromium, served with examples/clinic.toml:
the clinic's name and phone on the pages, a plan typed with the keyboard, gentle refusals, and
"Make a handout" downloading a PDF that holds the clinic's number, the times and the driving
rule. The typed name must not reach the server's log, temp folder or caches.

Artifacts: tests/artifacts/clinic-timeline.png (the page with the plan), handout.pdf and
handout-page1.png (page 1 rendered by pdftoppm at 100 dpi).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from harness.browser import PageWatch, wait_for_text
from harness.server import REPO

pytestmark = pytest.mark.browser

CLINIC = REPO / "examples" / "clinic.toml"
URL = "/voila/render/treatment-timeline.ipynb"
TIMEOUT = 60_000
NAME = "Zebediah Quixlington"
"""A name no file on this machine should otherwise contain."""


@pytest.fixture(scope="module")
def clinic_env(tmp_path_factory):
    base = tmp_path_factory.mktemp("clinic-server")
    dirs = {"TMPDIR": base / "tmp", "KETAMINE_EXPLAINER_CACHE": base / "cache",
            "JUPYTER_RUNTIME_DIR": base / "runtime"}
    for d in dirs.values():
        d.mkdir()
    return {k: str(v) for k, v in dirs.items()}


@pytest.fixture(scope="module")
def clinic_server(make_server, clinic_env):
    return make_server("--clinic", str(CLINIC), name="clinic", env=clinic_env)


@pytest.fixture
def page(browser, clinic_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    w = PageWatch(context.new_page(), clinic_server.url)
    w.open(URL)
    w.page.wait_for_selector(".kx-plan-date input", timeout=TIMEOUT)
    yield w
    context.close()


def _retype(page, selector: str, text: str) -> None:
    """Empty a box, then type into it with the keyboard (Ctrl+A is taken by the page)."""
    page.fill(selector, "")
    page.focus(selector)
    page.keyboard.type(text)


def _type_plan(page, date: str, start: str) -> None:
    _retype(page, ".kx-plan-date input", date)
    page.keyboard.press("Tab")
    page.keyboard.type(start)
    page.keyboard.press("Enter")


def test_the_clinic_name_and_phone_appear(page):
    p = page.page
    wait_for_text(p, ".kx-footer-clinic", "Riverside Pain Clinic", timeout=TIMEOUT)
    footer = p.inner_text(".kx-footer-clinic")
    assert "020 7946 0123" in footer and "999" in footer
    panel = p.inner_text(".kx-plan-panel")
    assert "At Riverside Pain Clinic" in panel and "020 7946 0999" in panel
    assert "NICE" in panel
    options = p.inner_text(".kx-timeline-protocol select")
    assert options.replace("\xa0", " ").splitlines()[0].startswith("Riverside day-case drip")
    page.assert_clean()


def test_a_plan_typed_with_the_keyboard_shows_times_then_a_handout_downloads(
        page, clinic_server, clinic_env, artifacts):
    p = page.page
    _type_plan(p, "2026-03-02", "09:30")
    times = ".kx-plan-times-view"
    wait_for_text(p, times, "Monday 2 March 2026 at 09:30 to 13:30", timeout=TIMEOUT)
    text = p.inner_text(times)
    assert "Monday 2 March 2026 at 03:30" in text        # last food: 6 h before
    assert "Monday 2 March 2026 at 07:30" in text        # last drink: 2 h before
    assert "Monday 2 March 2026 at 09:00" in text        # arrive 30 min before
    assert "Monday 2 March 2026 at 14:30" in text        # home: 60 min after the drip
    assert "Saturday 7 March 2026 at 13:30" in text      # 24 h after the last of 5 drips
    assert "Session 5: Friday 6 March at 09:30" in text
    wait_for_text(p, ".kx-plan-clock-layer", "09:30", timeout=TIMEOUT)  # clock times on the chart
    p.locator(".kx-timeline-session").scroll_into_view_if_needed()
    p.screenshot(path=str(artifacts / "clinic-timeline.png"), full_page=False)

    # bad input: a gentle message in place, the times unchanged
    _retype(p, ".kx-plan-time input", "25:70")
    p.keyboard.press("Enter")
    wait_for_text(p, ".kx-plan-message", "That time does not exist", timeout=TIMEOUT)
    assert p.get_attribute(".kx-plan-message [role=alert]", "role") == "alert"
    assert "Monday 2 March 2026 at 09:30 to 13:30" in p.inner_text(times)
    _retype(p, ".kx-plan-time input", "09:30")
    p.keyboard.press("Tab")
    p.keyboard.type("400")
    p.keyboard.press("Enter")
    wait_for_text(p, ".kx-plan-message", "weight from 40 to", timeout=TIMEOUT)
    p.keyboard.press("Backspace")
    p.keyboard.press("Backspace")
    p.keyboard.press("Backspace")
    p.keyboard.press("Enter")
    p.wait_for_selector(".kx-plan-message", state="hidden", timeout=TIMEOUT)

    # the handout, with a name typed for it
    p.focus(".kx-handout-name input")
    p.keyboard.type(NAME)
    started = time.monotonic()
    with p.expect_download(timeout=TIMEOUT) as info:
        p.click(".kx-handout-button")
    download = info.value
    pdf_path = artifacts / "handout.pdf"
    download.save_as(str(pdf_path))
    elapsed = time.monotonic() - started
    assert download.suggested_filename == "ketamine-handout.pdf"
    assert elapsed < 20
    p.wait_for_function("() => document.querySelector('.kx-handout-name input').value === ''",
                        timeout=TIMEOUT)

    from pypdf import PdfReader

    data = pdf_path.read_bytes()
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) <= 4
    assert "Riverside Pain Clinic" in text and "020 7946 0123" in text
    assert "Monday 2 March 2026 at 09:30" in text and "Saturday 7 March 2026 at 13:30" in text
    flat = " ".join(text.split())
    assert "No driving until" in flat and "at least 24 hours after the last drip" in flat.lower()
    assert NAME in text
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    assert shutil.which("pdftoppm"), "run `make test`: it installs poppler-utils"
    subprocess.run(["pdftoppm", "-r", "100", "-png", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf_path), str(artifacts / "handout-page1")], check=True, timeout=60)
    assert (artifacts / "handout-page1.png").stat().st_size > 10_000

    # nothing about the patient on the server: log, temp folder, caches, runtime files
    time.sleep(1)
    assert NAME not in clinic_server.log()
    for folder in [*map(Path, clinic_env.values()), REPO / "notebooks", REPO / "assets"]:
        for f in folder.rglob("*"):
            if f.is_file() and f.stat().st_size < 50_000_000:
                assert NAME.encode() not in f.read_bytes(), f"the name was written to {f}"
    page.assert_clean()


def test_the_walkthrough_speaks_of_this_clinic(browser, clinic_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    w = PageWatch(context.new_page(), clinic_server.url)
    p = w.open("/voila/render/walkthrough.ipynb?step=8")
    p.wait_for_selector(".kx-clinic-panel-view", timeout=TIMEOUT)
    text = p.inner_text(".kx-clinic-panel-view")
    assert "At Riverside Pain Clinic" in text and "020 7946 0123" in text
    assert "Do not drive, cycle or use machines for 24 hours" in text
    assert "Riverside Pain Clinic" in p.inner_text(".kx-footer-clinic")
    w.assert_clean()
    context.close()
