"""The take-home handout (explainer.handout) and its widget, without a browser: paper size from
the clinic file, at most 4 pages, fonts embedded, a tagged PDF/UA document, reading grade 6 or
lower measured on the PDF's own text, the clinic's numbers, the times and the driving rule; values
from the file and the typed name shown as text, never as markup; nothing written to disk."""

from __future__ import annotations

import io
import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import textstat
from pypdf import PdfReader

from explainer.content import strings
from explainer.content.clinic import config as clinic
from explainer.content.clinic.env import shown_protocols
from explainer.content.clinic.text import plan_rules
from explainer.figures import session as tl
from explainer.handout import HandoutRequest, build_handout
from explainer.models.plan import make_plan
from harness.clinics import EXAMPLES, with_paper
from harness.server import REPO
from tests.test_readability import readable

UK, US = EXAMPLES["uk"], EXAMPLES["us"]


def _use(monkeypatch, path: Path | None) -> None:
    if path is None:
        monkeypatch.delenv(clinic.CLINIC_ENV_VAR, raising=False)
    else:
        monkeypatch.setenv(clinic.CLINIC_ENV_VAR, str(path))
    clinic.clear_cache()
    shown_protocols.cache_clear()
    tl.session_curve.cache_clear()


@pytest.fixture(autouse=True)
def _restore():
    yield
    os.environ.pop(clinic.CLINIC_ENV_VAR, None)
    clinic.clear_cache()
    shown_protocols.cache_clear()
    tl.session_curve.cache_clear()


def _plan(pid: str, day="2026-03-02", at="09:30"):
    p = shown_protocols()[pid]
    cfg = clinic.current()
    return make_plan(day, at, cfg.clinic.zone if cfg else "Europe/London", plan_rules(),
                     treatment_from_min=min(d.at_min for d in p.doses),
                     treatment_to_min=max(d.end_min for d in p.doses),
                     session_days=p.session_days, calendar=cfg.calendar.model if cfg else None)


def _read(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def _body(text: str) -> str:
    return text.split("Where this comes from")[0]


def test_the_uk_handout(monkeypatch):
    _use(monkeypatch, UK)
    pdf = build_handout(HandoutRequest("riverside-day-case", plan=_plan("riverside-day-case"),
                                       patient_name="Sam Example"))
    reader, text = _read(pdf)
    assert len(reader.pages) <= 4
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    for needle in ("Riverside Pain Clinic", "020 7946 0123", "020 7946 0999", "999",
                   "Made for Sam Example", "Monday 2 March 2026 at 03:30",
                   "Monday 2 March 2026 at 09:30 to 13:30", "No driving until",
                   "Saturday 7 March 2026 at 13:30", "Questions to ask", "Side effects",
                   "When to call", "NICE", "Where this comes from"):
        assert needle in text, needle
    assert reader.metadata.title.startswith("Your ketamine treatment")


def test_the_us_handout_is_letter_with_911_and_the_fda_statement(monkeypatch):
    _use(monkeypatch, US)
    pdf = build_handout(HandoutRequest("lakeside-test-drip", plan=_plan("lakeside-test-drip")))
    reader, text = _read(pdf)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    assert "911" in text and "Schedule III" in text and "(312) 555-0142" in text
    assert "Feeling very low or unsafe" in text  # the clinic's own item, added ...
    assert "Pain in your side or back" in text  # ... after the signs every clinic must list
    assert "This is a general list" not in text
    assert len(reader.pages) <= 4


def test_without_a_clinic_the_handout_says_it_is_not_set_up(monkeypatch):
    _use(monkeypatch, None)
    _, text = _read(build_handout(HandoutRequest("schwartzman-2009")))
    assert "Not set up for one clinic" in text and "No times were set" in text
    assert "Ask your clinic for its phone numbers" in text


@pytest.mark.parametrize("path", [UK, US, None], ids=["uk", "us", "generic"])
def test_the_handout_reads_at_grade_6_or_lower(monkeypatch, path):
    _use(monkeypatch, path)
    pid = next(iter(shown_protocols()))
    _, text = _read(build_handout(HandoutRequest(pid, plan=_plan(pid))))
    body = _body(text)
    assert textstat.flesch_kincaid_grade(body) <= 6.0
    assert textstat.flesch_kincaid_grade(readable(body)) <= 6.0


def test_fonts_are_embedded_and_the_pdf_is_tagged(monkeypatch):
    _use(monkeypatch, UK)
    reader, _ = _read(build_handout(HandoutRequest("riverside-day-case")))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root and root["/Lang"] == "en-GB"
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            fonts[font["/BaseFont"]] = "/FontFile2" in descendant["/FontDescriptor"]
    assert fonts and all(fonts.values()), fonts
    assert any("DejaVuSans" in name for name in fonts)


def test_pictures_are_vectors_not_images(monkeypatch):
    _use(monkeypatch, UK)
    reader, _ = _read(build_handout(HandoutRequest("riverside-day-case")))
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject", {})
        assert all(x.get_object()["/Subtype"] != "/Image" for x in xobjects.values())


HOSTILE = "<script>alert(1)</script> #panic(\"x\") *bold* $x$ \\ [link](http://e.x)"


def test_clinic_values_and_names_show_as_text_never_markup(monkeypatch, tmp_path):
    text = UK.read_text(encoding="utf-8").replace(
        'name = "Riverside Pain Clinic"', 'name = "<script>alert(1)</script> Clinic"')
    path = tmp_path / "clinic.toml"
    path.write_text(text, encoding="utf-8")
    _use(monkeypatch, path)
    from explainer import pages
    from explainer.widgets.plan import clinic_panel_html

    for html in (pages.footer_html(), clinic_panel_html()):
        assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; Clinic" in html
    _, pdf_text = _read(build_handout(HandoutRequest("riverside-day-case",
                                                     patient_name=HOSTILE)))
    assert "<script>alert(1)</script> Clinic" in pdf_text
    assert re.sub(r"\s", "", HOSTILE) in re.sub(r"\s", "", pdf_text)  # line breaks aside


def test_the_widget_clears_the_name_and_offers_a_data_link(monkeypatch):
    _use(monkeypatch, UK)
    from explainer.widgets.timeline import TimelineWidget

    w = TimelineWidget()
    plan = w.plan
    plan.date_input.value = "2026-03-02"
    plan.time_input.value = "09:30"
    assert plan.state.plan is not None and "09:30" in plan.clock_layer.value
    plan.handout.name_input.value = "Sam Example"
    pdf = plan.handout.make()
    assert plan.handout.name_input.value == ""
    link = plan.handout.link.value
    assert 'class="kx-download"' in link and 'download="ketamine-handout.pdf"' in link
    assert "href=\"data:application/pdf;base64," in link
    assert "Sam Example" not in link  # it is inside the base64 PDF only
    assert b"%PDF" == pdf[:4] and plan.handout.last_size == len(pdf)


def _page(monkeypatch, path=UK):
    """The timeline page's widgets, as the served page builds them (with the pain diagram)."""
    _use(monkeypatch, path)
    from explainer.widgets.timeline.page import page_widgets

    _, timeline, _, _, links = page_widgets()
    pain = timeline.plan.handout.pain_signal
    return timeline, pain, links


WHEN = re.compile(r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d{1,2} "
                  r"\w+ \d{4} at \d{2}:\d{2}")


def test_invalid_input_leaves_no_times_and_the_handout_says_what_to_fix(monkeypatch):
    timeline, _, _ = _page(monkeypatch)
    plan = timeline.plan
    plan.date_input.value, plan.time_input.value = "2027-03-03", "09:30"
    assert plan.state.status == "valid" and "09:30 to 13:30" in plan.times.value
    assert plan.handout.make() and plan.handout.link.value
    for date, at, weight, words, button in [
            ("2027-03-03", "7pm", "", "24-hour clock", "start time"),
            ("2027-03-03", "25:00", "", "does not exist", "start time"),
            ("10/03/2027", "09:30", "", "year-month-day", "date"),
            ("2027-02-30", "09:30", "", "does not exist", "date"),
            ("2027-03-06", "09:30", "", "does not treat on a Saturday", "date"),
            ("2027-03-03", "09:30", "400", "weight from 40 to 150", "weight")]:
        plan.weight_input.value = weight
        plan.date_input.value, plan.time_input.value = date, at
        assert words in plan.message.value, (date, at, plan.message.value)
        assert plan.state.plan is None and not WHEN.search(plan.times.value)
        assert "09:30" not in plan.times.value and plan.clock_layer.value == ""
        assert plan.handout.link.value == ""  # the PDF of the last good plan is taken away
        assert plan.handout.button.disabled and button in plan.handout.button.description
        assert plan.handout.make() == b"" and "kx-download" not in plan.handout.link.value
        plan.weight_input.value = ""
        plan.date_input.value, plan.time_input.value = "2027-03-03", "09:30"
        assert plan.state.status == "valid" and not plan.handout.button.disabled
    plan.weight_input.value = "82"
    plan.time_input.value = "10:15"
    assert plan.message.value == "" and plan.timeline.state.weight_used == 82
    _, text = _read(plan.handout.make())
    assert "Wednesday 3 March 2027 at 10:15 to 14:15" in text and "09:30" not in text


def test_clearing_a_box_clears_the_times(monkeypatch):
    timeline, _, _ = _page(monkeypatch)
    plan = timeline.plan
    plan.date_input.value, plan.time_input.value = "2027-03-03", "09:30"
    plan.time_input.value = ""
    assert plan.state.plan is None and not WHEN.search(plan.times.value)
    assert plan.handout.button.disabled
    plan.date_input.value = ""
    assert plan.state.status == "empty" and not plan.handout.button.disabled
    _, text = _read(plan.handout.make())
    assert "No times were set" in text and not WHEN.search(text)


def test_the_handout_follows_the_pages_language(monkeypatch, artifacts):
    """The PDF's language tag, its page count, its table's headings and its dates and clock
    times follow the page's locale (issue 25); the first page is kept for a person to look at."""
    _use(monkeypatch, US)
    try:
        strings.use("es")
        plan = _plan("lakeside-test-drip", at="14:30")
        reader, text = _read(build_handout(HandoutRequest("lakeside-test-drip", plan=plan)))
        pdf = build_handout(HandoutRequest("lakeside-test-drip", plan=plan))
    finally:
        strings.use(None)
    assert reader.trailer["/Root"]["/Lang"] == "es"
    assert f"1 de {len(reader.pages)}" in text and "Cuándo" in text
    assert "a las 14:30" in text and "lunes 2 de marzo" in text
    (artifacts / "handout-es.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1",
                    str(artifacts / "handout-es.pdf"), str(artifacts / "handout-es-page1")],
                   check=True, timeout=60)


def _expected_whens(plan, pid) -> set[str]:
    from explainer.handout.document import plan_rows, session_lines

    iv = shown_protocols()[pid].route == "intravenous"
    found = set()
    for _, value in plan_rows(plan, iv):
        found |= set(WHEN.findall(value))
    return found, session_lines(plan)


@pytest.mark.parametrize("path", [UK, US], ids=["uk", "us"])
def test_the_pdf_holds_exactly_the_plans_times_and_the_selected_protocol(monkeypatch, path):
    timeline, _, _ = _page(monkeypatch, path)
    plan = timeline.plan
    for pid in shown_protocols():
        timeline.state.protocol = pid
        plan.date_input.value, plan.time_input.value = "2027-03-03", "08:45"
        _, text = _read(plan.handout.make())
        whens, sessions = _expected_whens(plan.state.plan, pid)
        assert set(WHEN.findall(text)) == whens, pid
        for line in sessions if len(sessions) > 1 else ():
            assert line in text
        assert shown_protocols()[pid].name in text
        others = [p.name for q, p in shown_protocols().items() if q != pid]
        assert not any(f"{name}." in text for name in others)
        # the page's panel names the same treatment
        assert f"Your treatment: {shown_protocols()[pid].name}." in plan.panel.value


def test_spring_forward_and_autumn_back_on_the_page_and_the_sheet(monkeypatch):
    timeline, _, _ = _page(monkeypatch, US)
    plan = timeline.plan
    plan.date_input.value, plan.time_input.value = "2027-03-15", "02:30"  # a Monday: exists
    assert "02:30 to 04:30" in plan.times.value
    # Chicago, Sunday 14 March 2027: no 02:30. The clinic treats on weekdays, so a Sunday is
    # refused first; the gap itself is checked in tests/test_plan.py and on a generic page.
    plan.date_input.value = "2027-03-14"
    assert plan.state.plan is None and "does not treat on a Sunday" in plan.message.value
    _use(monkeypatch, None)
    generic = _page(monkeypatch, None)[0].plan
    generic.date_input.value, generic.time_input.value = "2027-03-28", "01:30"
    assert "Sunday 28 March 2027 at 02:30" in generic.times.value
    assert "so 01:30 does not exist then" in generic.times.value
    _, text = _read(generic.handout.make())
    assert "so 01:30 does not exist then" in text and "at 02:30" in text
    generic.date_input.value, generic.time_input.value = "2027-10-31", "01:30"
    assert "so 01:30 comes twice" in generic.times.value
    assert "The clocks go back during session 1" in generic.times.value


def test_weekends_and_closed_dates_move_sessions_and_say_so(monkeypatch):
    timeline, _, _ = _page(monkeypatch, UK)
    plan = timeline.plan
    timeline.state.protocol = "riverside-day-case"
    plan.date_input.value, plan.time_input.value = "2026-12-23", "09:30"
    sessions = [s.start.strftime("%a %d %b") for s in plan.state.plan.sessions]
    assert sessions == ["Wed 23 Dec", "Thu 24 Dec", "Tue 29 Dec", "Wed 30 Dec", "Thu 31 Dec"]
    text = plan.times.value
    assert "Session 3 is on the next open day: the clinic is closed on Friday 25 December " \
           "2026." in text
    assert "Sessions 4 and 5 are on the next open day: the clinic does not treat on Saturdays " \
           "or Sundays." in text
    assert "is in the past" not in text  # today is before it
    _, pdf_text = _read(plan.handout.make())
    assert "Session 3: Tuesday 29 December at 09:30" in pdf_text
    assert "closed on Friday 25 December 2026" in pdf_text


def _figure_text(text: str) -> str:
    start = text.index("How ketamine turns down a pain signal")
    return text[start:text.index("Figure 2", start)]


def test_the_pdfs_pain_signal_figure_is_the_pages_state_at_two_levels(monkeypatch):
    from explainer.figures import pain_signal as pain_fig
    from explainer.handout.charts import pain_signal_svg
    from explainer.handout.document import signal_frame

    timeline, pain, _ = _page(monkeypatch, UK)
    seen = []
    for conc, pattern in [(0.0, "single"), (500.0, "repeated")]:
        pain.conc_ng_ml, pain.pattern = conc, pattern
        request = timeline.plan.handout.request()
        frame = signal_frame(request)
        page = pain_fig.diagram_frame(pain.result(), pain.n_impulses, pain.mode)
        assert frame == page
        # the page's overlay elements, drawn by the same function, are inside the PDF's picture
        elements = pain_fig.diagram_overlay(page)
        assert all(e in pain_signal_svg(frame) for e in elements)
        _, text = _read(build_handout(request))
        figure = _figure_text(text)
        words = pain_fig.strings()
        assert page.blocked_text in figure
        assert words["strength"]["words"][page.strength] in figure
        assert words["figure"]["counter"].format(k=page.impulse, n=page.n_impulses) in figure
        caption = text[text.index("Figure 2"):]
        assert page.blocked_text.lower() in caption.lower()  # the caption says the same
        assert figure.count(words["figure"]["ketamine_symbol"] + " ") >= page.n_ketamine
        seen.append((page.blocked_text, page.strength, page.n_ketamine))
    assert seen[0] != seen[1]
    assert seen[0][2] == 0 and seen[1][2] > 0


def test_the_pdfs_chart_has_the_cursor_where_the_page_had_it(monkeypatch):
    from explainer.figures import session as figs
    from explainer.handout.charts import Cursor, session_chart_svg

    timeline, _, _ = _page(monkeypatch, UK)
    timeline.state.cursor_min = 150.0
    request = timeline.plan.handout.request()
    assert request.cursor_min == 150.0
    curve = timeline.state.curve()
    page_cursor = figs.layer_document(figs.session_cursor(curve, 150.0, "patient",
                                                          request.cursor_label))
    assert page_cursor == timeline.cursor_layer.value
    chart = session_chart_svg(curve, "patient", Cursor(150.0, request.cursor_label))
    assert all(e in chart for e in figs.session_cursor(curve, 150.0, "patient",
                                                        request.cursor_label))


@pytest.mark.parametrize("path,paper", [(UK, "A4"), (UK, "Letter"), (US, "Letter"), (US, "A4"),
                                        (None, "A4")],
                         ids=["uk-a4", "uk-letter", "us-letter", "us-a4", "generic-a4"])
def test_at_most_4_pages_for_every_clinic_protocol_and_paper(monkeypatch, tmp_path, path,
                                                             paper):
    _use(monkeypatch, with_paper(path, paper, tmp_path) if path else None)
    for pid in shown_protocols():
        # over Christmas: the most sessions moved, so the longest notes
        reader, text = _read(build_handout(HandoutRequest(pid, plan=_plan(pid, "2026-12-23"),
                                                          patient_name="Sam Example")))
        assert len(reader.pages) <= 4, (pid, len(reader.pages))
        if path == US:
            assert "England" not in text and "NICE advises" not in text
            assert "Schedule III" in text and "In the UK" not in text
        if path == UK:
            assert "NICE" in text and "In the US" not in text
        for heading in ("Before you come", "After the treatment", "When to call"):
            assert heading in text
    assert all(fill >= 0.5 for fill in _page_fill(build_handout(HandoutRequest(
        pid, plan=_plan(pid, "2027-03-03"))), tmp_path)), "a page is more than half empty"


def _page_fill(pdf: bytes, folder: Path) -> list[float]:
    """How far down each page its text and pictures reach (0-1), the footer aside: pages
    rendered by pdftoppm at a low resolution, in grey."""
    from PIL import Image

    path = folder / "fill.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "20", "-gray", str(path), str(folder / "fill")],
                   check=True, timeout=60, capture_output=True)
    fills = []
    for png in sorted(folder.glob("fill-*.pgm")):
        image = Image.open(png)
        width, height = image.size
        body = int(height * (1 - 1.6 / 27.9))  # above the footer's margin (Letter is shortest)
        rows = [y for y in range(body)
                if min(image.getpixel((x, y)) for x in range(width)) < 200]
        fills.append((max(rows) + 1) / height if rows else 0.0)
    return fills


def test_building_writes_nothing_to_the_temp_folder(monkeypatch, tmp_path):
    _use(monkeypatch, UK)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    tempfile.tempdir = None
    try:
        name = "Quentin Uniquename"
        started = time.time()
        build_handout(HandoutRequest("riverside-day-case", patient_name=name))
        folders = {Path(tempfile.gettempdir()), tmp_path}
        for folder in folders:
            for f in folder.rglob("*"):
                if f.is_file() and f.stat().st_mtime >= started:
                    assert name.encode() not in f.read_bytes(), f
        assert not any(tmp_path.iterdir())
    finally:
        tempfile.tempdir = None


def test_the_template_never_evaluates_data_as_markup():
    template = (REPO / "assets" / "handout" / "handout.typ").read_text(encoding="utf-8")
    assert "eval(" not in template
    assert re.search(r"json\(bytes\(sys\.inputs\.data\)\)", template)


def test_the_walkthroughs_take_home_step_behaves_as_the_timelines_plan(monkeypatch):
    _use(monkeypatch, UK)
    from explainer.widgets.take_home import TakeHomeWidget
    from explainer.widgets.walkthrough.step_view import EMBEDS

    assert any(e.name == "TakeHomeWidget" for e in EMBEDS[9])
    w = TakeHomeWidget()
    w.protocol_select.value = "cohen-2018-test"
    plan = w.plan
    plan.date_input.value, plan.time_input.value = "2027-03-03", "25:00"
    assert plan.state.plan is None and plan.handout.button.disabled
    assert plan.handout.make() == b""
    plan.time_input.value = "09:30"
    assert "Your treatment: A single 2-hour test drip." in plan.panel.value
    _, text = _read(plan.handout.make())
    assert "A single 2-hour test drip" in text and "at 09:30 to 11:30" in text
    assert plan.clock_toggle.layout.display == "none"
