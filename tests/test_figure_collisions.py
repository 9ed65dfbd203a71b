"""Charts without collisions (issue 23): in every layout, for every protocol and every position
of the time cursor, no word of a figure sits on another word, and the cursor's line runs
through no word; the diagram draws as many blocked channels as its words say.

Boxes are taken from what the figures actually draw: the overlays' SVG `<text>` elements (their
place, size, anchor and a generous width per character, as `explainer.figures.geometry.
text_width` estimates) and the backgrounds' matplotlib texts (their rendered extents).
"""

from __future__ import annotations

import re
from functools import cache
from html import unescape

import pytest

from explainer.content.clinic.env import shown_protocols
from explainer.figures import pain_signal as pain_fig
from explainer.figures import session as tl
from explainer.figures.geometry import SHAPES, AxisMap, Box, text_width
from explainer.models import nmda
from explainer.widgets.pain_signal.state import SLIDER_GRID_NG_ML
from explainer.widgets.timeline import cursor_label

_TEXT = re.compile(r"<text ([^>]*)>([^<]*)</text>")
_ATTR = re.compile(r'([\w-]+)="([^"]*)"')
_LINE = re.compile(r"<line ([^>]*)/>")


def svg_text_boxes(svg_text: str) -> list[tuple[str, Box]]:
    """(words, box) of every `<text>` in an overlay document (overlay px)."""
    out = []
    for m in _TEXT.finditer(svg_text):
        attrs = dict(_ATTR.findall(m.group(1)))
        words = unescape(m.group(2))
        if not words.strip():
            continue
        size = float(attrs.get("font-size", 15))
        x, y = float(attrs["x"]), float(attrs["y"])
        w = text_width(words, size) * (1.06 if attrs.get("font-weight") == "bold" else 1.0)
        anchor = attrs.get("text-anchor", "start")
        left = x if anchor == "start" else x - w if anchor == "end" else x - w / 2
        if attrs.get("dominant-baseline") == "central":   # ink: capitals to descenders
            top, bottom = y - 0.5 * size, y + 0.5 * size
        else:
            top, bottom = y - 0.75 * size, y + 0.25 * size
        out.append((words, Box(left, top, left + w, bottom)))
    return out


@cache
def background_text_boxes(scene) -> tuple[tuple[str, Box], ...]:
    """(words, box) of every text matplotlib draws in a background (overlay px, y down)."""
    import matplotlib.text

    fig = scene.fig
    fig.canvas.draw()   # axis labels find their places when drawn
    renderer = fig.canvas.get_renderer()
    out = []
    for t in fig.findobj(matplotlib.text.Text):
        if not (t.get_visible() and t.get_text().strip()):
            continue
        bb = t.get_window_extent(renderer)
        out.append((t.get_text(), Box(bb.x0, scene.height_px - bb.y1, bb.x1,
                                      scene.height_px - bb.y0)))
    return tuple(out)


def overlaps(a: Box, b: Box, pad: float = 0.0) -> bool:
    return (a.left < b.right + pad and b.left < a.right + pad
            and a.top < b.bottom + pad and b.top < a.bottom + pad)


def cursor_lines(svg_text: str) -> list[Box]:
    out = []
    for m in _LINE.finditer(svg_text):
        a = dict(_ATTR.findall(m.group(1)))
        if "kx-tl-cursor" in a.get("class", ""):
            x1, y1, x2, y2 = (float(a[k]) for k in ("x1", "y1", "x2", "y2"))
            out.append(Box(min(x1, x2) - 1.25, min(y1, y2), max(x1, x2) + 1.25, max(y1, y2)))
    return out


def _pairs_overlapping(boxes) -> list[tuple[str, str]]:
    """Words on other words (a word boxed over the same word, to mark it, is not a clash)."""
    return [(a, b) for i, (a, ba) in enumerate(boxes) for b, bb in boxes[i + 1:]
            if a != b and overlaps(ba, bb)]


# --- The session chart -------------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("protocol_id", list(shown_protocols()))
def test_session_words_cursor_and_label_never_collide(protocol_id, shape):
    canvas = tl.CANVASES[shape]
    curve = tl.session_curve(protocol_id, 70.0)
    scene = tl.session_scene(curve.layout.key, shape)[0]
    background = list(background_text_boxes(scene))
    for mode in ("patient", "trainee"):
        static = "".join(tl.session_static(curve, mode, shape))
        still = background + svg_text_boxes(static)
        assert _pairs_overlapping(still) == [], (mode, _pairs_overlapping(still))
        for words, box in still:
            assert 0 <= box.left and box.right <= canvas.width, (mode, words, box)
        for t in curve.layout.cursor_positions:
            layer = "".join(tl.session_cursor(curve, t, mode, cursor_label(curve, t, mode),
                                              shape))
            label = svg_text_boxes(layer)
            assert len(label) == 1
            words, box = label[0]
            hits = [w for w, b in still if overlaps(box, b)]
            assert hits == [], (mode, t, words, hits)
            assert 0 <= box.left and box.right <= canvas.width, (mode, t, words, box)
            for line in cursor_lines(layer):
                hits = [w for w, b in [*still, *label] if overlaps(line, b)]
                assert hits == [], (mode, t, hits)


def test_cursor_line_still_marks_the_plot_and_the_strip():
    """Broken round words, the cursor still runs through most of the plot and the strip."""
    for shape in SHAPES:
        canvas = tl.CANVASES[shape]
        curve = tl.session_curve("schwartzman-2009", 70.0)
        for t in curve.layout.cursor_positions:
            x = float(AxisMap(canvas.plot, curve.layout.lo_min, curve.layout.hi_min).x(t))
            segments = tl.cursor_segments(curve, x, shape)
            in_plot = sum(b - a for a, b in segments if b <= canvas.plot.bottom)
            assert in_plot >= 0.8 * canvas.plot.height
            assert any(a >= canvas.strip.top for a, _ in segments)


# --- The pain-signal diagram -------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
def test_diagram_words_never_collide(shape):
    g = pain_fig.GEOMETRIES[shape]
    background = list(background_text_boxes(pain_fig.diagram_scene(shape)))
    assert _pairs_overlapping(background) == []
    seen = set()
    for conc in SLIDER_GRID_NG_ML:
        for pattern in ("single", "repeated"):
            result = nmda.simulate(float(conc), pattern)
            for k in range(result.n_impulses + 1):
                for mode in ("patient", "trainee"):
                    frame = pain_fig.diagram_frame(result, k, mode)
                    words = svg_text_boxes("".join(pain_fig.diagram_overlay(frame, g)))
                    key = tuple((w, b) for w, b in words if w not in ("Mg", "K"))
                    if key in seen:
                        continue
                    seen.add(key)
                    boxes = [*background, *key]
                    assert _pairs_overlapping(boxes) == [], (conc, pattern, k, mode)


def test_diagram_draws_as_many_blocked_channels_as_its_words_say():
    shares = pain_fig.strings()["shares"]
    for conc in SLIDER_GRID_NG_ML:
        result = nmda.simulate(float(conc))
        frame = pain_fig.diagram_frame(result, 1, "patient")
        drawn = frame.n_ketamine / pain_fig.N_CHANNELS
        if conc == 0:
            assert frame.n_ketamine == 0
            continue
        says_all = shares["almost_all"] in frame.blocked_text
        assert (frame.n_ketamine == pain_fig.N_CHANNELS) == says_all, (conc, frame)
        assert frame.n_ketamine >= 1, conc
        # the drawn share is the nearest count of six that is neither all nor none
        assert abs(drawn - frame.fraction_blocked) <= 1 / pain_fig.N_CHANNELS, (conc, frame)


# --- The course and routes views ---------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("mode", ["patient", "trainee"])
def test_course_words_never_collide(mode, shape):
    from explainer.figures import course

    scene = course.course_scene(shape)
    background = list(background_text_boxes(scene))
    assert _pairs_overlapping(background) == []
    for pid in shown_protocols():
        words = svg_text_boxes("".join(course.course_overlay(course.course_frame(pid, mode),
                                                             shape)))
        clashes = _pairs_overlapping([*background, *words])
        assert clashes == [], (pid, clashes)
        for text, box in [*background, *words]:
            assert 0 <= box.left and box.right <= scene.width_px, (pid, text, box)
            assert box.bottom <= scene.height_px, (pid, text, box)


_POLYLINE = re.compile(r"<polyline ([^>]*)/>")


def leader_segments(svg_text: str) -> list[Box]:
    """The routes legend's leaders (horizontal and vertical runs) as thin boxes."""
    out = []
    for m in _POLYLINE.finditer(svg_text):
        a = dict(_ATTR.findall(m.group(1)))
        if "kx-routes-leader" not in a.get("class", ""):
            continue
        pts = [tuple(map(float, p.split(","))) for p in a["points"].split()]
        for (x1, y1), (x2, y2) in zip(pts, pts[1:], strict=False):
            out.append(Box(min(x1, x2) - 0.75, min(y1, y2) - 0.75, max(x1, x2) + 0.75,
                           max(y1, y2) + 0.75))
    return out


def _bands_box(shape: str) -> Box:
    """The part of the routes plot the concentration bands fill (from the lowest band's
    bottom to the highest's top, across the plot)."""
    from explainer.figures import routes
    from explainer.models.bands import BANDS

    c = routes.CANVASES[shape]
    amap = AxisMap(c.plot, 0, 1)
    low = min(b.low_ng_ml for b in BANDS.values())
    high = max(b.high_ng_ml for b in BANDS.values())
    return Box(c.plot.left, float(amap.y(high)), c.plot.right, float(amap.y(low)))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("mode", ["patient", "trainee"])
def test_routes_legend_and_words_never_collide(mode, shape):
    """No word on another; the legend's card over neither the bands nor any word that is not
    its own; its leaders through no word; everything inside the figure. For every route
    highlighted and the weights the trainee can reach (the curves' ends move with weight)."""
    from explainer.figures import routes

    scene = routes.routes_scene(shape)[0]
    background = list(background_text_boxes(scene))
    legend = routes.legend_box(shape)
    bands = _bands_box(shape)
    assert not overlaps(legend, bands), (shape, legend, bands)
    assert not overlaps(legend, routes.CANVASES[shape].plot)
    for words, box in background:
        assert not overlaps(legend, box), (shape, words, box)
    from explainer.models import pk

    for weight in (pk.WEIGHT_RANGE_KG[0], 70.0, pk.WEIGHT_RANGE_KG[1]):
        curves = routes.route_curves(weight)
        for route in routes.ROUTE_KEYS:
            doc = "".join(routes.routes_overlay(curves, route, mode, weight, shape))
            words = svg_text_boxes(doc)
            everything = [*background, *words]
            clashes = _pairs_overlapping(everything)
            assert clashes == [], (weight, route, clashes)
            inside = [w for w, b in words if overlaps(b, legend)]
            names = set(routes.strings()["routes"]["names"].values())
            assert set(inside) == names | {routes.strings()["routes"]["band_label"]}, inside
            for w, b in words:
                if w in inside:
                    assert (legend.left <= b.left and b.right <= legend.right
                            and legend.top <= b.top and b.bottom <= legend.bottom), (w, b)
            leaders = leader_segments(doc)
            assert len(leaders) == 3 * len(routes.ROUTE_KEYS)
            for seg in leaders:
                hits = [w for w, b in everything if overlaps(seg, b)]
                assert hits == [], (weight, route, seg, hits)
                assert 0 <= seg.left and seg.right <= scene.width_px, (weight, route, seg)
            for text, box in everything:
                assert 0 <= box.left and box.right <= scene.width_px, (text, box)
                assert 0 <= box.top and box.bottom <= scene.height_px, (text, box)


@pytest.mark.parametrize("shape", SHAPES)
def test_trainee_chart_words_never_collide(shape):
    scene, geo = pain_fig.chart_scene(shape)
    background = list(background_text_boxes(scene))
    baseline = nmda.simulate(0.0)
    for conc in (0.0, 115.0, 3000.0):
        result = nmda.simulate(conc)
        for k in range(result.n_impulses + 1):
            frame = pain_fig.chart_frame(baseline, result, k, pain_fig.format_conc(conc))
            words = svg_text_boxes("".join(pain_fig.chart_overlay(frame, geo, shape)))
            assert _pairs_overlapping([*background, *words]) == [], (conc, k)
            for text, box in words:
                assert 0 <= box.left and box.right <= scene.width_px, (conc, k, text, box)
