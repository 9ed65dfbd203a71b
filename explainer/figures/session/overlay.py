"""The session figure's moving parts (SVG): the title, the curve and the strip's blocks
(`session_static`, once per curve and audience) and the time cursor (`session_cursor`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from explainer.content.strings import per_locale
from explainer.figures import (
    level_axes,  # the module: level_axes imports session.words
    svg,
)
from explainer.figures import palette as pal
from explainer.figures.geometry import (
    LABEL_PX,
    STRIP_PX,
    Y_RANGE,
    AxisMap,
    Box,
    plot_indices,
    text_width,
)
from explainer.figures.overlay import boxed_text, hatch_defs, overlay_text
from explainer.figures.session.curve import Phase, SessionCurve
from explainer.figures.session.layout import CANVASES, LANE_H, SESSION_H, SESSION_W, Canvas
from explainer.figures.session.words import duration_short, short_time, strings

if TYPE_CHECKING:
    pass


def _fit(phase: Phase, width: float, size: float) -> tuple[str, ...]:
    """The words that fit a block: the label, or its two lines (a little smaller), or the short
    form, or nothing (the describer still says it)."""
    room = width - 12
    if text_width(phase.label, size) <= room and not (phase.lines and phase.to_edge):
        return (phase.label,)
    if phase.lines and all(text_width(x, size - 2) <= room for x in phase.lines):
        return phase.lines
    if text_width(phase.label, size) <= room:
        return (phase.label,)
    if phase.short and text_width(phase.short, size) <= room:
        return (phase.short,)
    return ()


def text_box(x: float, y: float, content: str, size: float, anchor: str = "start",
             bold: bool = False) -> Box:
    """The box an overlay text takes (generous: `text_width`; y is its middle)."""
    w = text_width(content, size) * (1.06 if bold else 1.0)
    left = x if anchor == "start" else x - w if anchor == "end" else x - w / 2
    return Box(left, y - 0.6 * size, left + w, y + 0.6 * size)


def _block(phase: Phase, amap: AxisMap, lane: int, fill: str, stroke: str, canvas: Canvas,
           boxes: list[Box], bold: bool = False) -> list[str]:
    strip = canvas.strip
    x0 = float(amap.x(max(phase.start_min, amap.lo_min)))
    x1 = canvas.strip_right if phase.to_edge else float(amap.x(min(phase.end_min, amap.hi_min)))
    if x1 - x0 < 3:
        return []
    top = strip.top + lane * LANE_H + 5
    h = LANE_H - 10
    out = [svg.rect(x0 + 1.5, top, x1 - x0 - 3, h, rx=7, fill=fill, stroke=stroke,
                    stroke_width=2 if bold else 1.3)]
    lines = _fit(phase, x1 - x0, STRIP_PX)
    size = STRIP_PX if len(lines) < 2 else STRIP_PX - 2
    mid = top + h / 2
    for i, line in enumerate(lines):
        y = mid + (i - (len(lines) - 1) / 2) * (size + 1)
        out.append(overlay_text((x0 + x1) / 2, y, line, size=size, text_anchor="middle",
                                font_weight="bold" if bold else None))
        boxes.append(text_box((x0 + x1) / 2, y, line, size, "middle", bold))
    return out


def _decimate(curve: SessionCurve, max_points: int = 720) -> list[int]:
    n = len(curve.levels)
    step = max(1, int(math.ceil(n / max_points)))
    return plot_indices(n, step, (curve.end_min, curve.t_peak_min, *curve.dose_times_min))


def _title_lines(title: str, chars: int) -> list[str]:
    """The title on one line, or wrapped at `chars` characters (a narrow figure)."""
    if not chars or len(title) <= chars:
        return [title]
    import textwrap

    return textwrap.wrap(title, chars)


@per_locale(maxsize=128)
def session_static(curve: SessionCurve, mode: str, shape: str = "landscape") -> tuple[str, ...]:
    """The overlay parts that do not move with the cursor: title, y words or numbers, the
    curve, and the strip (phases, checks, when you may feel floaty, when that eases), in the
    layout `shape` (`CANVASES`)."""
    canvas = CANVASES[shape]
    plot, strip = canvas.plot, canvas.strip
    words = strings()
    session_words = words["session"]
    amap = AxisMap(plot, curve.layout.lo_min, curve.layout.hi_min)
    protocol = curve.protocol
    out: list[str] = [hatch_defs()]
    title = session_words["title"].format(name=protocol.name)
    if len(protocol.session_days) > 1 and curve.pattern != "daily-doses":
        part = session_words["title_course_part"].format(n=len(protocol.session_days))
        title = words["formats"]["title_part"].format(title=title, part=part)
    for i, line in enumerate(_title_lines(title, canvas.title_chars)):
        out.append(overlay_text(16, 22 + i * (LABEL_PX + 7), line, size=LABEL_PX + 1,
                                font_weight="bold", class_="kx-tl-title"))
    if protocol.example:       # the whole protocol is an example: say so by the title
        out.append(overlay_text(plot.right, plot.top - 14 if canvas.tag_y is None
                                else canvas.tag_y, words["example_tag"], size=STRIP_PX - 2,
                                text_anchor="end", fill=pal.MUTED_INK, font_style="italic",
                                class_="kx-tl-example"))
    elif curve.example:        # the trial is cited, but the day around it is clinic practice
        out.append(overlay_text(canvas.strip_right, strip.top - 14 if canvas.tag_y is None
                                else canvas.tag_y, words["example_tag"],
                                size=STRIP_PX - 2, text_anchor="end", fill=pal.MUTED_INK,
                                font_style="italic", class_="kx-tl-example"))
    out += level_axes.y_axis_overlay(plot, mode, canvas.unit_y)

    # the curve (line from the first minute; levels below the axis run along its floor)
    idx = _decimate(curve)
    xs = amap.x(idx)   # the level at every minute from the start: index = minute
    ys = amap.y([curve.levels[i] for i in idx])
    out.append(svg.polyline(xs, ys, stroke=pal.CURVE, stroke_width=4, stroke_linejoin="round",
                            class_="kx-tl-curve"))

    return tuple(out) + _strip(curve, shape)[0]


@lru_cache(maxsize=128)
def _strip(curve: SessionCurve, shape: str) -> tuple[tuple[str, ...], tuple[Box, ...]]:
    """The strip's parts (what happens, checks, feelings) and the boxes of its words (which
    the time cursor keeps clear of)."""
    canvas = CANVASES[shape]
    strip = canvas.strip
    amap = AxisMap(canvas.plot, curve.layout.lo_min, curve.layout.hi_min)
    out: list[str] = []
    boxes: list[Box] = []
    for phase in curve.phases:
        drip = phase.key in ("drip", "doses")
        out += _block(phase, amap, 0, "#ffffff" if drip else pal.PANEL,
                      pal.CURVE if drip else pal.MUTED_INK, canvas, boxes, bold=drip)
    out += _block(curve.checks, amap, 1, "#ffffff", pal.MUTED_INK, canvas, boxes)
    if curve.pattern in ("single-dose", "daily-doses"):
        words = tuple(boxes)
        for t in curve.dose_times_min:
            x = float(amap.x(t))
            y = strip.top + 2
            out.append(svg.polygon([x - 8, x + 8, x], [y, y, y + 12], fill=pal.CURVE))
            out += [svg.line(x, a, x, b, stroke=pal.CURVE, stroke_width=2.5)
                    for a, b in clear_of(x, y + 10, strip.top + LANE_H - 4, words)]
    out += _feel_lane(curve, amap, canvas, boxes)
    return tuple(out), tuple(boxes)


def strip_text_boxes(curve: SessionCurve, shape: str = "landscape") -> tuple[Box, ...]:
    """Where the strip's words sit (overlay px), for the cursor and the tests."""
    return _strip(curve, shape)[1]


def _feel_lane(curve: SessionCurve, amap: AxisMap, canvas: Canvas,
               boxes: list[Box]) -> list[str]:
    feel_words = strings()["session"]["feel"]
    eases_words = strings()["session"]["eases"]
    strip_right = canvas.strip_right
    top = canvas.strip.top + 2 * LANE_H + 5
    h = LANE_H - 10
    mid = top + h / 2
    out: list[str] = []
    if not curve.feel_spans:
        x = float(amap.x(0)) + 8
        words = feel_words["none"]
        if x + text_width(words, STRIP_PX) > strip_right:
            words = feel_words["none_short"]
        out.append(overlay_text(x, mid, words, size=STRIP_PX, fill=pal.MUTED_INK,
                                font_style="italic"))
        boxes.append(text_box(x, mid, words, STRIP_PX))
        return out
    last_x = 0.0
    for a, b in curve.feel_spans:
        x0, x1 = float(amap.x(a)), float(amap.x(b))
        out.append(svg.rect(x0, top, max(x1 - x0, 3), h, rx=7, fill="url(#kx-tl-floaty)",
                            stroke=pal.BAND_EDGES["dissociation"], stroke_width=1.5))
        for words in (feel_words["label"], feel_words["short"]):
            if text_width(words, STRIP_PX) + 14 <= x1 - x0:
                out += boxed_text((x0 + x1) / 2, mid, words, size=STRIP_PX - 1,
                                  anchor="middle", stroke=pal.BAND_EDGES["dissociation"])
                boxes.append(text_box((x0 + x1) / 2, mid, words, STRIP_PX - 1, "middle"))
                break
        last_x = x1
    if curve.below_floaty_after_min is not None:
        after = duration_short(curve.below_floaty_after_min)
        key = "label" if curve.protocol.route == "intravenous" else "label_dose"
        words = eases_words[key].format(after=after)
        x = last_x + 8
        if x + text_width(words, STRIP_PX - 1) > strip_right:
            words = strings()["formats"]["fall_arrow"].format(after=after)
        if x + text_width(words, STRIP_PX - 1) <= canvas.width:
            out.append(overlay_text(x, mid, words, size=STRIP_PX - 1, fill=pal.INK,
                                    class_="kx-tl-eases"))   # (else the describer says it)
            boxes.append(text_box(x, mid, words, STRIP_PX - 1))
    return out


def layer_document(children: Sequence[str], width: float = SESSION_W,
                   height: float = SESSION_H) -> str:
    """The session view's cursor layer (`svg.layer_document` in the session figure's pixels)."""
    return svg.layer_document(children, width, height)


CURSOR_CLEAR_PX = 4
"""How far the time cursor's line keeps from the strip's words."""


def clear_of(x: float, top: float, bottom: float, boxes) -> list[tuple[float, float]]:
    """The stretches of a vertical line at `x` from `top` to `bottom` that keep
    `CURSOR_CLEAR_PX` away from every box in `boxes`."""
    pad = CURSOR_CLEAR_PX
    cuts = sorted((b.top - pad, b.bottom + pad) for b in boxes
                  if b.left - pad <= x <= b.right + pad)
    segments = []
    for a, b in cuts:
        if a > top:
            segments.append((top, min(a, bottom)))
        top = max(top, b)
    if bottom > top:
        segments.append((top, bottom))
    return [(a, b) for a, b in segments if b > a]


def cursor_segments(curve: SessionCurve, x: float, shape: str = "landscape",
                    extra: tuple[Box, ...] = ()) -> list[tuple[float, float]]:
    """The (top, bottom) stretches of the cursor's line at `x`: through the plot and through
    the strip, not the axis words between them, and broken where a word of the strip (or one
    of `extra`) sits, so the line never runs through "the drip runs"."""
    canvas = CANVASES[shape]
    boxes = (*strip_text_boxes(curve, shape), *extra)
    return [*clear_of(x, canvas.plot.top, canvas.plot.bottom, boxes),
            *clear_of(x, canvas.strip.top, canvas.strip.bottom, boxes)]


def session_cursor(curve: SessionCurve, t_min: float, mode: str, level_text: str,
                   shape: str = "landscape", time_text: str | None = None) -> list[str]:
    """The moving parts: a vertical line through the plot and the strip (broken round the
    strip's words), a dot on the curve, a label with the time (`time_text`, e.g. a clock time,
    or the time from the start) and level, and an outline on the phase happening now."""
    canvas = CANVASES[shape]
    plot, strip = canvas.plot, canvas.strip
    amap = AxisMap(plot, curve.layout.lo_min, curve.layout.hi_min)
    x = float(amap.x(t_min))
    level = curve.level_at(t_min)
    when = short_time(t_min, curve.layout) if time_text is None else time_text
    label = strings()["formats"]["cursor_label"].format(time=when, level=level_text)
    size = LABEL_PX
    w = 1.06 * text_width(label, size) + 16     # bold, on its box
    label_y = plot.top + 20 if canvas.label_y is None else canvas.label_y
    if x + 10 + w <= canvas.label_right:
        anchor, lx = "start", x + 12
    elif x - 12 - w >= plot.left:
        anchor, lx = "end", x - 12
    else:   # as near the cursor as the room allows (the cursor's line stops round it)
        least = plot.left + 12 if canvas.label_y is None else 16
        anchor, lx = "start", max(least, canvas.label_right - w + 8)
    label_box = text_box(lx, label_y, label, size, anchor, bold=True)
    out = [svg.line(x, a, x, b, stroke=pal.CURSOR, stroke_width=2.5, class_="kx-tl-cursor")
           for a, b in cursor_segments(curve, x, shape, (label_box,))]
    phase = curve.phase_at(t_min)
    if phase is not None:
        x0 = float(amap.x(max(phase.start_min, amap.lo_min)))
        x1 = (canvas.strip_right if phase.to_edge
              else float(amap.x(min(phase.end_min, amap.hi_min))))
        out.append(svg.rect(x0 - 1, strip.top + 2, x1 - x0 + 2, LANE_H - 4, rx=9, fill="none",
                            stroke=pal.CURSOR, stroke_width=3, class_="kx-tl-now"))
    if level >= Y_RANGE[0]:
        out.append(svg.circle(x, float(amap.y(level)), 8, fill=pal.CURVE, stroke="#ffffff",
                              stroke_width=3, class_="kx-tl-dot"))
    out += boxed_text(lx, label_y, label, size=size, anchor=anchor, stroke=pal.CURSOR,
                      bold=True, class_="kx-tl-cursor-label")
    return out
