"""The take-home handout (explainer.handout) and its widget, without a browser: paper size from
the clinic file, at most 4 pages, fonts embedded, a tagged PDF/UA document, reading grade 6 or
lower measured on the PDF's own text, the clinic's numbers, the times and the driving rule; values
from the file and the typed name shown as text, never as markup; nothing written to disk."""

from __future__ import annotations

import io
import os
import re
import tempfile
import time
from pathlib import Path

import pytest
import textstat
from pypdf import PdfReader

from explainer.content.clinic import config as clinic
from explainer.content.clinic.env import shown_protocols
from explainer.content.clinic.text import plan_rules
from explainer.figures import session as tl
from explainer.handout import HandoutRequest, build_handout
from explainer.models.plan import make_plan
from tests.test_readability import readable

REPO = Path(__file__).resolve().parents[1]
UK, US = REPO / "examples" / "clinic.toml", REPO / "examples" / "clinic-us.toml"


def _use(monkeypatch, path: Path | None) -> None:
    if path is None:
        monkeypatch.delenv(clinic.CLINIC_ENV_VAR, raising=False)
    else:
        monkeypatch.setenv(clinic.CLINIC_ENV_VAR, str(path))
    clinic.current.cache_clear()
    shown_protocols.cache_clear()
    tl.session_curve.cache_clear()


@pytest.fixture(autouse=True)
def _restore():
    yield
    os.environ.pop(clinic.CLINIC_ENV_VAR, None)
    clinic.current.cache_clear()
    shown_protocols.cache_clear()
    tl.session_curve.cache_clear()


def _plan(pid: str, day="2026-03-02", at="09:30"):
    p = shown_protocols()[pid]
    cfg = clinic.current()
    return make_plan(day, at, cfg.clinic.zone if cfg else "Europe/London", plan_rules(),
                     treatment_from_min=min(d.at_min for d in p.doses),
                     treatment_to_min=max(d.end_min for d in p.doses),
                     session_days=p.session_days)


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
    assert "Seeing or hearing things that are not there" in text  # the clinic's own list
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
    assert "/StructTreeRoot" in root and root["/Lang"] == "en"
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


def test_bad_plan_input_leaves_the_plan_unchanged(monkeypatch):
    _use(monkeypatch, UK)
    from explainer.widgets.timeline import TimelineWidget

    plan = TimelineWidget().plan
    plan.date_input.value, plan.time_input.value = "2026-03-02", "09:30"
    before = plan.times.value
    for date, at, weight, words in [("2026-02-30", "09:30", "", "does not exist"),
                                    ("2026-03-02", "25:70", "", "does not exist"),
                                    ("2026-03-02", "09:30", "400", "weight from 40 to 150")]:
        plan.weight_input.value = weight
        plan.date_input.value, plan.time_input.value = date, at
        plan._submit()
        assert words in plan.message.value and plan.times.value == before
    plan.weight_input.value = "82"
    plan.date_input.value = "2026-03-02"
    plan.time_input.value = "09:30"
    assert plan.message.value == "" and plan.timeline.state.weight_used == 82


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
