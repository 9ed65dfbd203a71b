"""Golden snapshots: a refactor must not silently change a picture or its words.

What is pinned, for a grid of states (files under `tests/golden/`):
  - the overlay SVG documents (the moving parts the browser receives), in both layouts
    (landscape, and portrait for phones: the `*_portrait*` files), of the pain-signal diagram
    (every named level × both firing patterns × the impulses that change the picture, both
    audiences, the one-impulse animation, and a few trainee slider positions; in trainee mode
    also the response chart and the numbers table) and of the treatment timeline (every protocol
    × several cursor positions × both audiences for the session view, a few weights; the course
    and the routes views);
  - the describer text (the figure's live text description) of every one of those states;
  - the matplotlib backgrounds (the PNGs each `Scene` renders), compared with
    `matplotlib.testing.compare.compare_images` at a small tolerance.

Update after an INTENDED change (then review the diff of tests/golden/ before committing):

    .venv/bin/pytest tests/test_golden.py --update-golden      # or KX_UPDATE_GOLDEN=1

A refactor should only need to touch the `render_*` functions below (the one place that calls
the code under test); the golden files themselves must not change. SVG strings are stored split
before each tag, one line per element, so a diff shows which element moved.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from explainer.content import strings

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE_ENV = "KX_UPDATE_GOLDEN"
PNG_TOLERANCE = 2.0
"""RMS tolerance (0–255 scale) for the backgrounds: font hinting noise passes, a moved or
recoloured part fails."""

PATIENT, TRAINEE = "patient", "trainee"


@pytest.fixture(autouse=True, scope="module")
def _library_protocols():
    """The protocol library only: a configured clinic would change what is shown."""
    from explainer.content.clinic.constants import CLINIC_ENV_VAR

    if os.environ.get(CLINIC_ENV_VAR):
        pytest.skip(f"{CLINIC_ENV_VAR} is set: the goldens are for the protocol library")


# --- The one place that calls the code under test ------------------------------------------------


def render_pain_signal(conc: float, pattern: str, impulse: int, mode: str,
                       animate: bool = False, shape: str = "landscape") -> dict:
    """The diagram overlay document, the describer and (trainee) the chart and numbers."""
    from explainer.figures import pain_signal as fig
    from explainer.models import nmda
    from explainer.widgets import pain_signal as ps

    result = nmda.simulate(conc, pattern)
    frame = fig.diagram_frame(result, impulse, mode, animate=animate)
    out = {
        "overlay": fig.diagram_scene(shape).svg(fig.diagram_overlay(frame, fig.GEOMETRIES[shape]),
                                                fig.strings()["figure"]["label"]),
        "describer": ps.describe(conc, pattern, impulse, mode),
    }
    if mode == TRAINEE:
        scene, geo = fig.chart_scene(shape)
        chart = fig.chart_frame(nmda.simulate(0.0, pattern), result, impulse,
                                fig.format_conc(conc))
        out["chart_overlay"] = scene.svg(fig.chart_overlay(chart, geo, shape),
                                         fig.strings()["chart"]["label"])
        out["numbers"] = ps.numbers_html(conc, pattern, impulse)
    return out


def pain_signal_levels() -> dict[str, float]:
    from explainer.widgets.pain_signal import level_concs

    return dict(level_concs())


def render_session_static(protocol_id: str, weight_kg: float, mode: str,
                          shape: str = "landscape") -> dict:
    """The session view's overlay (title, y words, curve, strip) and, in trainee mode, the
    protocol's notes."""
    from explainer.figures import session as fig
    from explainer.widgets import timeline as tw

    curve = fig.session_curve(protocol_id, weight_kg)
    scene = fig.session_scene(curve.layout.key, shape)[0]
    out = {"overlay": scene.svg(list(fig.session_static(curve, mode, shape)),
                                fig.strings()["session"]["label"])}
    if mode == TRAINEE:
        out["trainee_notes"] = tw.trainee_html(protocol_id)
    return out


def render_session_cursor(protocol_id: str, weight_kg: float, t_min: float, mode: str,
                          shape: str = "landscape") -> dict:
    """The cursor layer and the describer at one cursor position."""
    from explainer.figures import session as fig
    from explainer.widgets import timeline as tw

    curve = fig.session_curve(protocol_id, weight_kg)
    canvas = fig.CANVASES[shape]
    layer = fig.layer_document(fig.session_cursor(curve, t_min, mode,
                                                  tw.cursor_label(curve, t_min, mode), shape),
                               canvas.width, canvas.height)
    return {"cursor_layer": layer, "describer": tw.describe_session(curve, t_min, mode)}


def session_cursor_positions(protocol_id: str) -> list[float]:
    """Before the start (if the axis has it), the start, the end of the drip or the peak, a
    few points along the axis, and its end: each snapped to a cursor step."""
    from explainer.figures import session as fig

    curve = fig.session_curve(protocol_id, 70.0)
    layout = curve.layout
    span = layout.hi_min - layout.lo_min
    wanted = [layout.lo_min, 0.0, curve.end_min, curve.t_peak_min,
              *(layout.lo_min + f * span for f in (0.1, 0.25, 0.5, 0.75)), layout.hi_min]
    return sorted({layout.clamp(t) for t in wanted})


def protocol_ids() -> list[str]:
    from explainer.content.clinic.env import shown_protocols as protocols

    return list(protocols())


def render_course(protocol_id: str, mode: str, shape: str = "landscape") -> dict:
    from explainer.figures import course
    from explainer.widgets import timeline as tw

    frame = course.course_frame(protocol_id, mode)
    return {"overlay": course.course_scene(shape).svg(course.course_overlay(frame, shape),
                                                 strings.text("timeline", "course.label")),
            "describer": tw.describe_course(protocol_id, mode)}


def render_routes(highlight: str, mode: str, weight_kg: float,
                  shape: str = "landscape") -> dict:
    from explainer.figures import routes
    from explainer.widgets import timeline as tw

    curves = routes.route_curves(weight_kg)
    out = {"overlay": routes.routes_scene(shape)[0].svg(
               routes.routes_overlay(curves, highlight, mode, weight_kg, shape),
               strings.text("timeline", "routes.label")),
           "describer": tw.describe_routes(curves, highlight, mode, weight_kg)}
    if mode == TRAINEE:
        out["table"] = tw.routes_table_html(curves)
    return out


def route_keys() -> tuple[str, ...]:
    from explainer.figures.routes import ROUTE_KEYS

    return ROUTE_KEYS


def render_backgrounds() -> dict[str, bytes]:
    """Every background PNG, rendered now (the scene functions' caches are bypassed)."""
    from explainer.figures import course, routes
    from explainer.figures import pain_signal as ps
    from explainer.figures import session as tl

    out = {"pain-diagram": ps.diagram_scene.__wrapped__().background_png(),
           "pain-diagram-portrait": ps.diagram_scene.__wrapped__("portrait").background_png(),
           "pain-chart": ps.chart_scene.__wrapped__()[0].background_png(),
           "pain-chart-portrait": ps.chart_scene.__wrapped__("portrait")[0].background_png()}
    for key in tl.LAYOUTS:
        out[f"session-{key}"] = tl.session_scene.__wrapped__(key)[0].background_png()
        out[f"session-portrait-{key}"] = tl.session_scene.__wrapped__(
            key, "portrait")[0].background_png()
    out["course"] = course.course_scene.__wrapped__().background_png()
    out["course-portrait"] = course.course_scene.__wrapped__("portrait").background_png()
    out["routes"] = routes.routes_scene.__wrapped__()[0].background_png()
    out["routes-portrait"] = routes.routes_scene.__wrapped__("portrait")[0].background_png()
    return out


# --- The states ----------------------------------------------------------------------------------

PAIN_IMPULSES = {"single": (0, 1), "repeated": (0, 1, 8, 16)}
"""Before the first pinch, the first, half the train and the whole train (single: 0 and 1)."""
TRAINEE_SLIDER_NG_ML = (5.0, 50.0, 250.0, 1000.0, 3000.0)
"""Trainee slider positions between and beyond the named levels (all on SLIDER_GRID_NG_ML)."""
TRAINEE_SLIDER_IMPULSES = (("single", 1), ("repeated", 8), ("repeated", 16))
TRAINEE_WEIGHTS_KG = (50.0, 120.0)
"""Other weights (trainee), at the default cursor: lighter and heavier (dose caps)."""


def pain_signal_states(mode: str) -> dict[str, dict]:
    states = {}
    concs = pain_signal_levels()
    for name, conc in concs.items():
        for pattern, impulses in PAIN_IMPULSES.items():
            for k in impulses:
                states[f"{name}/{pattern}/{k}"] = {"conc": conc, "pattern": pattern,
                                                   "impulse": k, "animate": False}
    if mode == TRAINEE:
        for conc in TRAINEE_SLIDER_NG_ML:
            for pattern, k in TRAINEE_SLIDER_IMPULSES:
                states[f"slider-{conc:g}/{pattern}/{k}"] = {"conc": conc, "pattern": pattern,
                                                            "impulse": k, "animate": False}
    for name in ("none", "relief"):      # the pulse and release animation (one step of Play)
        states[f"{name}/repeated/8/animate"] = {"conc": concs[name], "pattern": "repeated",
                                                "impulse": 8, "animate": True}
    return states


# --- Golden files --------------------------------------------------------------------------------


def _updating(config) -> bool:
    return bool(config.getoption("--update-golden")) or os.environ.get(UPDATE_ENV) == "1"


def _how_to_update(path: Path) -> str:
    return (f"{path.relative_to(GOLDEN.parent.parent)}: create or refresh it with "
            f"`.venv/bin/pytest tests/test_golden.py --update-golden` (or {UPDATE_ENV}=1), "
            "then review the diff before committing")


def _split_markup(value):
    """SVG/HTML strings as one line per tag (reviewable diffs); other values unchanged."""
    if isinstance(value, str) and value.startswith("<"):
        return re.sub(r"><", ">\n<", value).split("\n")
    if isinstance(value, dict):
        return {k: _split_markup(v) for k, v in value.items()}
    return value


def check_golden(request, name: str, data: dict) -> None:
    """Compare `data` with tests/golden/`name`.json (or write it when updating)."""
    path = GOLDEN / f"{name}.json"
    current = _split_markup(data)
    text = json.dumps(current, indent=1, ensure_ascii=False, sort_keys=False) + "\n"
    if _updating(request.config):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"missing golden file. {_how_to_update(path)}")
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert sorted(current) == sorted(stored), (
        f"the states differ from the golden file's. {_how_to_update(path)}")
    changed = [state for state in current if current[state] != stored[state]]
    if changed:
        first = changed[0]
        parts = [k for k in current[first] if current[first][k] != stored[first].get(k)]
        pytest.fail(f"{len(changed)} of {len(current)} states changed (first: {first!r}, "
                    f"parts: {parts}). If intended: {_how_to_update(path)}")


# --- Tests ---------------------------------------------------------------------------------------


def _golden_name(name: str, shape: str) -> str:
    """Landscape goldens keep their names; portrait ones say so."""
    return name if shape == "landscape" else f"{name}_{shape}"


@pytest.mark.parametrize("shape", ["landscape", "portrait"])
@pytest.mark.parametrize("mode", [PATIENT, TRAINEE])
def test_pain_signal(request, mode, shape):
    states = pain_signal_states(mode)
    data = {name: render_pain_signal(st["conc"], st["pattern"], st["impulse"], mode,
                                     animate=st["animate"], shape=shape)
            for name, st in states.items()}
    check_golden(request, _golden_name(f"pain_signal_{mode}", shape), data)


@pytest.mark.parametrize("shape", ["landscape", "portrait"])
@pytest.mark.parametrize("protocol_id", protocol_ids())
def test_timeline_session(request, protocol_id, shape):
    from explainer.figures.session import session_curve

    data = {}
    for mode in (PATIENT, TRAINEE):
        data[f"{mode}/70kg/static"] = render_session_static(protocol_id, 70.0, mode, shape)
        for t in session_cursor_positions(protocol_id):
            data[f"{mode}/70kg/{t:g}min"] = render_session_cursor(protocol_id, 70.0, t, mode,
                                                                  shape)
    for weight in TRAINEE_WEIGHTS_KG:
        t = session_curve(protocol_id, weight).layout.default_cursor_min
        data[f"trainee/{weight:g}kg/static"] = render_session_static(protocol_id, weight,
                                                                      TRAINEE, shape)
        data[f"trainee/{weight:g}kg/{t:g}min"] = render_session_cursor(protocol_id, weight, t,
                                                                       TRAINEE, shape)
    check_golden(request, _golden_name(f"timeline_session_{protocol_id}", shape), data)


@pytest.mark.parametrize("shape", ["landscape", "portrait"])
def test_timeline_course(request, shape):
    data = {f"{pid}/{mode}": render_course(pid, mode, shape)
            for pid in protocol_ids() for mode in (PATIENT, TRAINEE)}
    check_golden(request, _golden_name("timeline_course", shape), data)


@pytest.mark.parametrize("shape", ["landscape", "portrait"])
def test_timeline_routes(request, shape):
    data = {f"{route}/{mode}/70kg": render_routes(route, mode, 70.0, shape)
            for route in route_keys() for mode in (PATIENT, TRAINEE)}
    data.update({f"{route}/trainee/{w:g}kg": render_routes(route, TRAINEE, w, shape)
                 for route in route_keys()[:1] for w in TRAINEE_WEIGHTS_KG})
    check_golden(request, _golden_name("timeline_routes", shape), data)


def test_backgrounds(request, tmp_path, monkeypatch):
    from matplotlib.testing.compare import compare_images

    from explainer.figures.scene import CACHE_ENV_VAR

    monkeypatch.setenv(CACHE_ENV_VAR, str(tmp_path / "cache"))  # render, never reuse
    folder = GOLDEN / "backgrounds"
    failures = []
    for name, png in render_backgrounds().items():
        path = folder / f"{name}.png"
        if _updating(request.config):
            folder.mkdir(parents=True, exist_ok=True)
            path.write_bytes(png)
            continue
        if not path.exists():
            failures.append(f"missing {name}.png. {_how_to_update(path)}")
            continue
        actual = tmp_path / f"{name}.png"
        actual.write_bytes(png)
        diff = compare_images(str(path), str(actual), tol=PNG_TOLERANCE)
        if diff is not None:
            failures.append(f"{name}: {diff}")
    assert not failures, "\n".join(failures)


# --- The widgets show the same (they are what the browser receives) ------------------------------


def _text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _stored(name: str) -> dict:
    path = GOLDEN / f"{name}.json"
    if not path.exists():
        pytest.fail(f"missing golden file. {_how_to_update(path)}")
    return json.loads(path.read_text(encoding="utf-8"))


def test_pain_signal_widget_shows_the_goldens(request):
    """Driving the widget's state (its public traits) shows the golden overlay and words."""
    from html import unescape

    from explainer.widgets.pain_signal import PainSignalState, PainSignalWidget

    if _updating(request.config):
        pytest.skip("updating")
    for mode in (PATIENT, TRAINEE):
        stored = _stored(f"pain_signal_{mode}")
        for name, st in pain_signal_states(mode).items():
            start = st["impulse"] - 1 if st["animate"] else st["impulse"]
            state = PainSignalState(conc_ng_ml=st["conc"], pattern=st["pattern"], mode=mode)
            state.impulse = start
            widget = PainSignalWidget(state)
            state.impulse = st["impulse"]
            golden = stored[name]
            assert _split_markup(widget.view.overlay.value) == golden["overlay"], name
            assert unescape(_text_of(widget.view.describer.value)) == golden["describer"], name
            if mode == TRAINEE:
                assert _split_markup(widget.chart.overlay.value) == golden["chart_overlay"], name
                assert _split_markup(widget.numbers.value) == golden["numbers"], name
            widget.close()


def test_timeline_widget_shows_the_goldens(request):
    """Driving the timeline's state shows the golden session overlay, cursor layer and words."""
    from html import unescape

    from explainer.widgets.timeline import TimelineState, TimelineWidget

    if _updating(request.config):
        pytest.skip("updating")
    for pid in protocol_ids():
        stored = _stored(f"timeline_session_{pid}")
        for mode in (PATIENT, TRAINEE):
            widget = TimelineWidget(TimelineState(protocol=pid, mode=mode))
            static = stored[f"{mode}/70kg/static"]["overlay"]
            for t in session_cursor_positions(pid):
                widget.state.cursor_min = t
                golden = stored[f"{mode}/70kg/{t:g}min"]
                assert _split_markup(widget.session_view.overlay.value) == static, (pid, mode)
                assert _split_markup(widget.cursor_layer.value) == golden["cursor_layer"], (
                    pid, mode, t)
                assert unescape(_text_of(widget.session_view.describer.value)) == \
                    golden["describer"], (pid, mode, t)
            widget.close()


# --- Every other locale: its describers and its handout's words (issue 25) ----------------------

LOCALE_PROTOCOLS = 2
"""The first protocols of the library whose session describer is pinned per locale."""


def render_locale(code: str) -> dict:
    """In locale `code`: the describers of a grid of states (the named levels of the pain
    signal, a few cursor positions of the session, the course and the routes views, both
    audiences) and the handout's words for a fixed plan (dates, times and numbers in the
    locale's format)."""
    from datetime import date

    from explainer.handout.document import HandoutRequest, handout_data
    from explainer.models.plan import make_plan
    from explainer.widgets import pain_signal as ps

    strings.use(code)
    try:
        out: dict = {}
        for mode in (PATIENT, TRAINEE):
            for level, conc in pain_signal_levels().items():
                out[f"pain_signal/{mode}/{level}"] = ps.describe(conc, "repeated", 16, mode)
            for pid in protocol_ids()[:LOCALE_PROTOCOLS]:
                for t in session_cursor_positions(pid)[::3]:
                    out[f"session/{mode}/{pid}/{t:g}"] = render_session_cursor(
                        pid, 70.0, t, mode)["describer"]
                out[f"course/{mode}/{pid}"] = render_course(pid, mode)["describer"]
            for key in route_keys():
                out[f"routes/{mode}/{key}"] = render_routes(key, mode, 70.0)["describer"]
        pid = protocol_ids()[0]
        from explainer.content.clinic.env import shown_protocols
        from explainer.content.clinic.text import plan_rules

        p = shown_protocols()[pid]
        plan = make_plan("2026-03-02", "14:30", "Europe/London", plan_rules(),
                         treatment_from_min=min(d.at_min for d in p.doses),
                         treatment_to_min=max(d.end_min for d in p.doses),
                         session_days=p.session_days)
        out["handout"] = handout_data(HandoutRequest(pid, plan=plan, made_on=date(2026, 3, 1)))
        return out
    finally:
        strings.use(None)


@pytest.mark.parametrize("code", [c for c in strings.locales() if c != "en-GB"])
def test_describers_and_handout_words_per_locale(request, code):
    check_golden(request, f"locales/{code}", render_locale(code))
