"""The session figure's moving parts (SVG): the title, the curve and the strip's blocks
(`session_static`, once per curve and audience) and the time cursor (`session_cursor`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from explainer.figures import palette as pal
from explainer.figures import svg
from explainer.figures.geometry import (
    LABEL_PX,
    PLOT,
    STRIP_PX,
    Y_RANGE,
    AxisMap,
    plot_indices,
    text_width,
)
from explainer.figures.level_axes import y_axis_overlay
from explainer.figures.overlay import boxed_text, hatch_defs, overlay_text
from explainer.figures.session.curve import Phase, SessionCurve
from explainer.figures.session.layout import LANE_H, SESSION_H, SESSION_W, STRIP, STRIP_RIGHT
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


def _block(phase: Phase, amap: AxisMap, lane: int, fill: str, stroke: str,
           bold: bool = False) -> list[str]:
    x0 = float(amap.x(max(phase.start_min, amap.lo_min)))
    x1 = STRIP_RIGHT if phase.to_edge else float(amap.x(min(phase.end_min, amap.hi_min)))
    if x1 - x0 < 3:
        return []
    top = STRIP.top + lane * LANE_H + 5
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
    return out


def _decimate(curve: SessionCurve, max_points: int = 720) -> np.ndarray:
    n = curve.times_min.size
    step = max(1, int(math.ceil(n / max_points)))
    return plot_indices(n, step, (curve.end_min, curve.t_peak_min, *curve.dose_times_min))


@lru_cache(maxsize=128)
def session_static(curve: SessionCurve, mode: str) -> tuple[str, ...]:
    """The overlay parts that do not move with the cursor: title, y words or numbers, the
    curve, and the strip (phases, checks, when you may feel floaty, when that eases)."""
    words = strings()
    session_words = words["session"]
    amap = AxisMap(PLOT, curve.layout.lo_min, curve.layout.hi_min)
    protocol = curve.protocol
    out: list[str] = [hatch_defs()]
    title = session_words["title"].format(name=protocol.name)
    if len(protocol.session_days) > 1 and curve.pattern != "daily-doses":
        part = session_words["title_course_part"].format(n=len(protocol.session_days))
        title = words["formats"]["title_part"].format(title=title, part=part)
    out.append(overlay_text(16, 22, title, size=LABEL_PX + 1, font_weight="bold",
                            class_="kx-tl-title"))
    if protocol.example:       # the whole protocol is an example: say so by the title
        out.append(overlay_text(PLOT.right, PLOT.top - 14, words["example_tag"], size=STRIP_PX - 2,
                                text_anchor="end", fill=pal.MUTED_INK, font_style="italic",
                                class_="kx-tl-example"))
    elif curve.example:        # the trial is cited, but the day around it is clinic practice
        out.append(overlay_text(STRIP_RIGHT, STRIP.top - 14, words["example_tag"],
                                size=STRIP_PX - 2, text_anchor="end", fill=pal.MUTED_INK,
                                font_style="italic", class_="kx-tl-example"))
    out += y_axis_overlay(PLOT, mode)

    # the curve (line from the first minute; levels below the axis run along its floor)
    idx = _decimate(curve)
    xs = amap.x(curve.times_min[idx])
    ys = amap.y(curve.conc[idx])
    out.append(svg.polyline(xs, ys, stroke=pal.CURVE, stroke_width=4, stroke_linejoin="round",
                            class_="kx-tl-curve"))

    # the strip: what happens, checks, feelings
    for phase in curve.phases:
        drip = phase.key in ("drip", "doses")
        out += _block(phase, amap, 0, "#ffffff" if drip else pal.PANEL,
                      pal.CURVE if drip else pal.MUTED_INK, bold=drip)
    out += _block(curve.checks, amap, 1, "#ffffff", pal.MUTED_INK)
    if curve.pattern in ("single-dose", "daily-doses"):
        for t in curve.dose_times_min:
            x = float(amap.x(t))
            y = STRIP.top + 2
            out.append(svg.polygon([x - 8, x + 8, x], [y, y, y + 12], fill=pal.CURVE))
            out.append(svg.line(x, y + 10, x, STRIP.top + LANE_H - 4, stroke=pal.CURVE,
                                stroke_width=2.5))
    out += _feel_lane(curve, amap)
    return tuple(out)


def _feel_lane(curve: SessionCurve, amap: AxisMap) -> list[str]:
    feel_words = strings()["session"]["feel"]
    eases_words = strings()["session"]["eases"]
    top = STRIP.top + 2 * LANE_H + 5
    h = LANE_H - 10
    mid = top + h / 2
    out: list[str] = []
    if not curve.feel_spans:
        out.append(overlay_text(float(amap.x(0)) + 8, mid, feel_words["none"], size=STRIP_PX,
                                fill=pal.MUTED_INK, font_style="italic"))
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
                break
        last_x = x1
    if curve.below_floaty_after_min is not None:
        after = duration_short(curve.below_floaty_after_min)
        key = "label" if curve.protocol.route == "intravenous" else "label_dose"
        words = eases_words[key].format(after=after)
        x = last_x + 8
        if x + text_width(words, STRIP_PX - 1) > STRIP_RIGHT:
            words = strings()["formats"]["fall_arrow"].format(after=after)
        out.append(overlay_text(x, mid, words, size=STRIP_PX - 1, fill=pal.INK,
                                class_="kx-tl-eases"))
    return out


def layer_document(children: Sequence[str], width: float = SESSION_W,
                   height: float = SESSION_H) -> str:
    """The session view's cursor layer (`svg.layer_document` in the session figure's pixels)."""
    return svg.layer_document(children, width, height)


def session_cursor(curve: SessionCurve, t_min: float, mode: str, level_text: str) -> list[str]:
    """The moving parts: a vertical line through the plot and the strip, a dot on the curve, a
    label with the time and level, and an outline on the phase happening now."""
    amap = AxisMap(PLOT, curve.layout.lo_min, curve.layout.hi_min)
    x = float(amap.x(t_min))
    level = curve.level_at(t_min)
    out = [svg.line(x, PLOT.top, x, STRIP.bottom, stroke=pal.CURSOR, stroke_width=2.5,
                    class_="kx-tl-cursor")]
    phase = curve.phase_at(t_min)
    if phase is not None:
        x0 = float(amap.x(max(phase.start_min, amap.lo_min)))
        x1 = STRIP_RIGHT if phase.to_edge else float(amap.x(min(phase.end_min, amap.hi_min)))
        out.append(svg.rect(x0 - 1, STRIP.top + 2, x1 - x0 + 2, LANE_H - 4, rx=9, fill="none",
                            stroke=pal.CURSOR, stroke_width=3, class_="kx-tl-now"))
    if level >= Y_RANGE[0]:
        out.append(svg.circle(x, float(amap.y(level)), 8, fill=pal.CURVE, stroke="#ffffff",
                              stroke_width=3, class_="kx-tl-dot"))
    label = strings()["formats"]["cursor_label"].format(time=short_time(t_min, curve.layout),
                                                        level=level_text)
    size = LABEL_PX
    w = text_width(label, size) + 16
    anchor = "start" if x + 10 + w <= PLOT.right + 150 else "end"
    lx = x + 12 if anchor == "start" else x - 12
    out += boxed_text(lx, PLOT.top + 20, label, size=size, anchor=anchor, stroke=pal.CURSOR,
                      bold=True, class_="kx-tl-cursor-label")
    return out
