"""The figures' layouts (issue 23) as the widgets use them: the page's choice of layout swaps
the background, the kernel's overlay and the browser's frames together, and only then (a wide
page never receives the portrait drawing); with clock times on, the time cursor reads clock
times in the chart, in the browser's frames and on the slider.
"""

from __future__ import annotations

import re

from explainer.figures import pain_signal as pain_fig
from explainer.figures import routes as routes_fig
from explainer.figures import session as tl
from explainer.figures.frames import document
from explainer.figures.geometry import SHAPES
from explainer.widgets.pain_signal import PainSignalWidget
from explainer.widgets.timeline import TimelineWidget


def _view_box(svg_text: str) -> tuple[float, float]:
    w, h = re.search(r'viewBox="0 0 (\d+) (\d+)"', svg_text).groups()
    return float(w), float(h)


def test_every_figure_has_both_layouts():
    assert SHAPES == ("landscape", "portrait")
    assert tuple(pain_fig.GEOMETRIES) == SHAPES and tuple(tl.CANVASES) == SHAPES
    for shape in SHAPES:
        g, c = pain_fig.GEOMETRIES[shape], tl.CANVASES[shape]
        assert (pain_fig.diagram_scene(shape).width_px, c.width) == (g.width, c.width)
    assert pain_fig.GEOMETRIES["portrait"].width < pain_fig.GEOMETRIES["portrait"].height
    assert tuple(routes_fig.CANVASES) == SHAPES
    for shape in SHAPES:
        scene = routes_fig.routes_scene(shape)[0]
        c = routes_fig.CANVASES[shape]
        assert (scene.width_px, scene.height_px) == (c.width, c.height)
    assert routes_fig.CANVASES["portrait"].width == tl.CANVASES["portrait"].width


def test_the_diagram_takes_the_layout_the_page_asks_for():
    w = PainSignalWidget()
    overlay = w.browser.overlay
    landscape_png = w.view.background.value
    assert overlay.shape == "landscape" and _view_box(w.view.overlay.value) == (1040, 500)
    first_pack = overlay.pack["id"]
    overlay.shape = "portrait"                       # the page measured a phone
    assert w.shape == "portrait"
    assert w.view.background.value == pain_fig.diagram_scene("portrait").background_png()
    assert w.view.background.value != landscape_png
    assert _view_box(w.view.overlay.value) == (520, 1074)
    assert overlay.pack["id"] != first_pack
    assert _view_box(document(overlay.pack, 0)) == (520, 1074)
    w.level_buttons.value = "anaesthetic"            # still follows the controls
    assert _view_box(w.view.overlay.value) == (520, 1074)
    overlay.shape = "landscape"                      # turned to landscape
    assert w.view.background.value == landscape_png
    assert _view_box(w.view.overlay.value) == (1040, 500)


def test_the_page_may_send_only_a_known_layout():
    w = PainSignalWidget()
    check = w.browser.overlay._kx_inbound["shape"]
    assert check(None, "portrait") and check(None, "landscape")
    assert not check(None, "tiny") and not check(None, 3)


def test_the_session_chart_takes_the_layout_the_page_asks_for():
    tw = TimelineWidget()
    tw.browser.overlay.shape = "portrait"
    assert tw.shape == "portrait"
    assert _view_box(tw.session_view.overlay.value) == (520, 850)
    assert _view_box(tw.cursor_layer.value) == (520, 850)
    pack = tw.browser.overlay.pack
    assert _view_box(document(pack, pack["table"][tw.browser.overlay.cursor])) == (520, 850)
    tw.state.protocol = "sigtermans-2009"            # a new time axis keeps the layout
    assert _view_box(tw.session_view.overlay.value) == (520, 850)


def test_the_routes_chart_takes_the_layout_the_page_asks_for():
    tw = TimelineWidget()
    tw.view_buttons.value = "routes"
    landscape_png = tw.routes_view.background.value
    assert _view_box(tw.routes_view.overlay.value) == (1040, 700)
    tw.browser.overlay.shape = "portrait"            # the page measured a phone
    assert tw.routes_view.background.value == routes_fig.routes_scene(
        "portrait")[0].background_png()
    assert _view_box(tw.routes_view.overlay.value) == (520, 800)
    tw.route_buttons.value = "oral"                  # still follows the controls
    assert "kx-routes-chosen" in tw.routes_view.overlay.value
    assert _view_box(tw.routes_view.overlay.value) == (520, 800)
    tw.browser.overlay.shape = "landscape"           # turned to landscape
    assert tw.routes_view.background.value == landscape_png
    assert _view_box(tw.routes_view.overlay.value) == (1040, 700)


def test_the_routes_chart_shown_later_takes_the_pages_layout():
    tw = TimelineWidget()
    tw.browser.overlay.shape = "portrait"            # chosen while the session view shows
    tw.view_buttons.value = "routes"
    assert _view_box(tw.routes_view.overlay.value) == (520, 800)
    assert tw.routes_view.scene is routes_fig.routes_scene("portrait")[0]


def test_with_clock_times_on_the_cursor_reads_clock_time():
    tw = TimelineWidget()
    plan = tw.plan
    plan.date_input.value = "2026-03-02"
    plan.time_input.value = "09:30"
    assert plan.state.plan is not None and plan.clock_toggle.value
    tw.state.cursor_min = 90.0
    assert "11:00" in tw.cursor_layer.value                 # the chart's label
    assert tw.cursor.options[tw.cursor.index][0] == "11:00"  # the slider's readout
    pack = tw.browser.overlay.pack
    frame = document(pack, pack["table"][tw.browser.overlay.cursor])
    assert "11:00" in frame                                  # the page's
    assert frame == tw.cursor_layer.value                    # the same frame as the kernel's
    said = tw.session_view.describer.value                   # the describer, too
    assert "At 11:00," in said and tl.short_time(90, tw.state.layout) not in said
    tw.state.cursor_min = 120.0
    assert "At 11:30," in tw.session_view.describer.value
    frame = document(tw.browser.overlay.pack, tw.browser.overlay.pack["table"][
        tw.browser.overlay.pack["positions"].index(120)])
    assert frame == tw.cursor_layer.value
    plan.clock_toggle.value = False                          # clock times off: time from start
    assert "11:30" not in tw.cursor_layer.value
    assert "11:30" not in tw.session_view.describer.value
    assert tw.cursor.options[tw.cursor.index][0] == tl.short_time(120, tw.state.layout)
    assert f"At {tl.short_time(120, tw.state.layout)}," in tw.session_view.describer.value
