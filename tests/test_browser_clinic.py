"""The clinic's own explainer in real headless Chromium, served with examples/clinic.toml:
the clinic's name and phone on the pages, a plan typed with the keyboard, gentle refusals, and
"Make a handout" downloading a PDF that holds the clinic's number, the times and the driving
rule. The typed name must not reach the server's log, temp folder or caches.

Artifacts: tests/artifacts/clinic-timeline.png (the page with the plan), handout.pdf and
handout-page1.png (page 1 rendered by pdftoppm at 100 dpi).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

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

    # bad input: a gentle message in place, and no times left on the page
    _retype(p, ".kx-plan-time input", "25:70")
    p.keyboard.press("Enter")
    wait_for_text(p, ".kx-plan-message", "That time does not exist", timeout=TIMEOUT)
    assert p.get_attribute(".kx-plan-message [role=alert]", "role") == "alert"
    assert "09:30 to 13:30" not in p.inner_text(times)
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


WHEN = re.compile(r"\w+day \d{1,2} \w+ \d{4} at \d{2}:\d{2}")


def _no_times_and_no_handout(p, fix: str) -> None:
    """No clock time left in the plan's view or on the chart, and the handout refused with
    what to fix first."""
    p.wait_for_function(
        "() => !/\\d{4} at \\d{2}:\\d{2}/.test("
        "document.querySelector('.kx-plan-times-view').textContent)", timeout=TIMEOUT)
    assert not WHEN.search(p.inner_text(".kx-plan-times-view"))
    assert p.inner_text(".kx-plan-clock-layer").strip() == ""
    button = p.locator(".kx-handout-button")
    expect(button).to_be_disabled(timeout=TIMEOUT)
    expect(button).to_contain_text(fix, timeout=TIMEOUT)
    expect(p.locator(".kx-download")).to_have_count(0, timeout=TIMEOUT)


def test_invalid_input_never_leaves_old_times_and_the_handout_is_fresh(page, artifacts):
    p = page.page
    times = ".kx-plan-times-view"
    _type_plan(p, "2027-03-03", "09:30")
    wait_for_text(p, times, "Wednesday 3 March 2027 at 09:30 to 13:30", timeout=TIMEOUT)
    with p.expect_download(timeout=TIMEOUT):
        p.click(".kx-handout-button")
    for box, text, words, fix in [
            ("time", "7pm", "24-hour clock", "start time"),
            ("time", "25:00", "That time does not exist", "start time"),
            ("date", "10/03/2027", "year-month-day", "date"),
            ("date", "2027-03-06", "does not treat on a Saturday", "date")]:
        _retype(p, f".kx-plan-{box} input", text)
        p.keyboard.press("Enter")
        wait_for_text(p, ".kx-plan-message", words, timeout=TIMEOUT)
        _no_times_and_no_handout(p, fix)
        good = "09:30" if box == "time" else "2027-03-03"
        _retype(p, f".kx-plan-{box} input", good)
        p.keyboard.press("Enter")
        wait_for_text(p, times, "Wednesday 3 March 2027 at 09:30 to 13:30", timeout=TIMEOUT)
        expect(p.locator(".kx-handout-button")).to_be_enabled(timeout=TIMEOUT)
    p.locator(".kx-plan").scroll_into_view_if_needed()
    _retype(p, ".kx-plan-time input", "7pm")
    p.keyboard.press("Enter")
    wait_for_text(p, ".kx-plan-message", "24-hour clock", timeout=TIMEOUT)
    p.screenshot(path=str(artifacts / "clinic-plan-invalid.png"), full_page=False)

    # a new valid time: the handout holds it, and nothing of the old one
    _retype(p, ".kx-plan-time input", "10:15")
    p.keyboard.press("Enter")
    wait_for_text(p, times, "Wednesday 3 March 2027 at 10:15 to 14:15", timeout=TIMEOUT)
    with p.expect_download(timeout=TIMEOUT) as info:
        p.click(".kx-handout-button")
    from pypdf import PdfReader

    reader = PdfReader(info.value.path())
    text = " ".join(" ".join(x.extract_text() for x in reader.pages).split())
    assert "Wednesday 3 March 2027 at 10:15 to 14:15" in text and "09:30" not in text
    page.assert_clean()


def test_weekends_and_closed_dates_on_the_page(page, artifacts):
    p = page.page
    times = ".kx-plan-times-view"
    _type_plan(p, "2026-12-23", "09:30")  # Wed; Fri 25 and Mon 28 are bank holidays
    wait_for_text(p, times, "Session 3: Tuesday 29 December at 09:30", timeout=TIMEOUT)
    text = p.inner_text(times)
    assert "Session 3 is on the next open day: the clinic is closed on Friday 25 December" in text
    assert "Session 5: Thursday 31 December at 09:30" in text
    booked = [x for x in text.splitlines() if re.match(r"\s*Session \d:", x)]
    assert len(booked) == 5 and not any(d in x for x in booked for d in ("Saturday", "Sunday"))
    p.locator(".kx-plan-notes").scroll_into_view_if_needed()
    p.screenshot(path=str(artifacts / "clinic-plan-calendar.png"), full_page=False)
    _retype(p, ".kx-plan-date input", "2026-03-04")  # a Wednesday, in the past
    p.keyboard.press("Enter")
    wait_for_text(p, times, "is in the past. Is that the right date?", timeout=TIMEOUT)
    text = p.inner_text(times)
    assert "Session 4: Monday 9 March at 09:30" in text
    assert "the clinic does not treat on Saturdays or Sundays" in text
    page.assert_clean()


def test_clock_changes_on_a_generic_page(browser, server, artifacts):
    """No clinic file (Europe/London, every day open): the spring-forward gap and the autumn
    repeat are explained in words and resolved as a calendar would."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    w = PageWatch(context.new_page(), server.url)
    w.open(URL)
    p = w.page
    p.wait_for_selector(".kx-plan-date input", timeout=TIMEOUT)
    times = ".kx-plan-times-view"
    _type_plan(p, "2027-03-28", "01:30")  # London: 01:00 GMT -> 02:00 BST
    wait_for_text(p, times, "so 01:30 does not exist then", timeout=TIMEOUT)
    assert "Sunday 28 March 2027 at 02:30" in p.inner_text(times)
    with p.expect_download(timeout=TIMEOUT) as info:
        p.click(".kx-handout-button")
    from pypdf import PdfReader

    text = " ".join(" ".join(x.extract_text() for x in PdfReader(info.value.path()).pages)
                    .split())
    assert "Sunday 28 March 2027 at 02:30" in text and "01:30 does not exist" in text
    _retype(p, ".kx-plan-date input", "2027-10-31")  # 02:00 BST -> 01:00 GMT
    p.keyboard.press("Enter")
    wait_for_text(p, times, "so 01:30 comes twice", timeout=TIMEOUT)
    text = p.inner_text(times)
    assert "The clocks go back during session 1" in text
    p.locator(".kx-plan-notes").scroll_into_view_if_needed()
    p.screenshot(path=str(artifacts / "plan-clock-change.png"), full_page=False)
    w.assert_clean()
    context.close()


def test_the_walkthroughs_last_step_makes_a_handout(browser, clinic_server, artifacts):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    w = PageWatch(context.new_page(), clinic_server.url)
    p = w.open("/voila/render/walkthrough.ipynb?step=9")
    p.wait_for_selector(".kx-take-home .kx-plan-date input", timeout=TIMEOUT)
    p.select_option(".kx-take-home-protocol select", label="A single 2-hour test drip")
    wait_for_text(p, ".kx-take-home .kx-plan-panel", "Your treatment: A single 2-hour test drip",
                  timeout=TIMEOUT)
    _retype(p, ".kx-take-home .kx-plan-time input", "7pm")
    p.keyboard.press("Enter")
    wait_for_text(p, ".kx-take-home .kx-plan-message", "24-hour clock", timeout=TIMEOUT)
    expect(p.locator(".kx-take-home .kx-handout-button")).to_be_disabled(timeout=TIMEOUT)
    _retype(p, ".kx-take-home .kx-plan-date input", "2027-03-03")
    _retype(p, ".kx-take-home .kx-plan-time input", "09:30")
    p.keyboard.press("Enter")
    wait_for_text(p, ".kx-take-home .kx-plan-times-view", "at 09:30 to 11:30", timeout=TIMEOUT)
    p.locator(".kx-take-home").scroll_into_view_if_needed()
    p.screenshot(path=str(artifacts / "walkthrough-take-home.png"), full_page=False)
    with p.expect_download(timeout=TIMEOUT) as info:
        p.click(".kx-take-home .kx-handout-button")
    from pypdf import PdfReader

    text = " ".join(" ".join(x.extract_text() for x in PdfReader(info.value.path()).pages)
                    .split())
    assert "A single 2-hour test drip" in text and "at 09:30 to 11:30" in text
    w.assert_clean()
    context.close()


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
