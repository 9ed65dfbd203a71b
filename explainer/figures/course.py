"""The course view: the sessions of a protocol on a calendar strip, and beneath it what studies
found over the following weeks — honest bands, each with its source — and, on the figure itself,
that this is an illustration of published averages, not a prediction for this patient.

The background (drawn once per process, `course_scene`) holds the 14-day calendar, the
zoom lines from those two weeks to the weeks axis, and the rows of findings (bands and words
from `assets/strings/<locale>/timeline.yaml`, `course.rows`). The overlay (`course_overlay`)
holds what depends on the protocol and audience: the title, the session blocks, an outline on
the finding closest to this protocol, and the "not a prediction" line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from explainer.content.clinic.env import shown_protocols as protocols
from explainer.content.protocols.library import Protocol
from explainer.figures import palette as pal
from explainer.figures import svg
from explainer.figures.geometry import (
    LABEL_PX,
    STRIP_PX,
    TICK_PX,
    new_figure,
    paper_axes,
    pt,
    text_width,
)
from explainer.figures.overlay import boxed_text, overlay_text
from explainer.figures.scene import Scene
from explainer.figures.session.words import strings, strings_key
from explainer.models.protocol import MINUTES_PER_DAY

__all__ = ["COURSE_W", "COURSE_H", "CALENDAR_DAYS", "WEEKS", "CourseFrame", "course_frame",
           "course_overlay", "course_scene", "row_boxes"]

COURSE_W, COURSE_H = 1040, 1000
CALENDAR_DAYS = 14
WEEKS = 13
LEFT, RIGHT = 190, 1020
CELL = (RIGHT - LEFT) / CALENDAR_DAYS
CAL_TOP, CAL_H = 56, 60
ROWS_TOP = 206
ROW_H = 106
BAND_H = 20
WEEK_TICKS = (0, 1, 2, 4, 8, 12)


def week_x(days: float) -> float:
    """Days from the first session to x on the weeks axis."""
    return LEFT + (days / 7) / WEEKS * (RIGHT - LEFT)


def day_x(days: float) -> float:
    """Days from the first session to x on the calendar (day 1 is the first cell)."""
    return LEFT + days * CELL


def row_boxes() -> Mapping[str, tuple[float, float]]:
    """Row key -> (top, bottom) in overlay px."""
    rows = strings()["course"]["rows"]
    return {r["key"]: (ROWS_TOP + i * ROW_H, ROWS_TOP + (i + 1) * ROW_H)
            for i, r in enumerate(rows)}


def _rows_bottom() -> float:
    return ROWS_TOP + len(strings()["course"]["rows"]) * ROW_H


def _person(paper, x: float, y: float, colour: str) -> None:
    """A person: a round head over rounded shoulders (y runs down)."""
    from matplotlib.patches import Circle, FancyBboxPatch

    paper.add_patch(FancyBboxPatch((x - 8, y - 1), 16, 12, boxstyle="round,pad=0,rounding_size=5",
                                   facecolor=colour, edgecolor=pal.INK, lw=1))
    paper.add_patch(Circle((x, y - 7), 5, facecolor=colour, edgecolor=pal.INK, lw=1))


def _draw_course(fig) -> None:
    from matplotlib.patches import Polygon, Rectangle

    course_words = strings()["course"]
    source_label = strings()["formats"]["source_label"]
    paper = paper_axes(fig, COURSE_W, COURSE_H)
    bold = {"fontsize": pt(STRIP_PX), "fontweight": "bold", "color": pal.MUTED_INK,
            "ha": "right", "va": "center"}

    # the calendar: 14 day cells
    paper.text(LEFT - 12, CAL_TOP + CAL_H / 2, course_words["sessions_title"], **bold)
    for i in range(CALENDAR_DAYS):
        x = day_x(i)
        paper.add_patch(Rectangle((x + 2, CAL_TOP), CELL - 4, CAL_H, facecolor="#ffffff",
                                  edgecolor=pal.GRID, lw=1.5))
        paper.text(x + CELL / 2, CAL_TOP + CAL_H + 14, f"{i + 1}", ha="center", va="center",
                   fontsize=pt(TICK_PX), color=pal.INK)
    paper.text(LEFT - 12, CAL_TOP + CAL_H + 14, course_words["days_label"], ha="right", va="center",
               fontsize=pt(TICK_PX), color=pal.MUTED_INK)

    # zoom: those 14 days are the first 2 weeks of the axis below
    y0, y1 = CAL_TOP + CAL_H + 28, ROWS_TOP - 34
    paper.add_patch(Polygon([(LEFT, y0), (RIGHT, y0), (week_x(14), y1), (LEFT, y1)],
                            closed=True, facecolor=pal.PANEL, edgecolor=pal.GRID, lw=1))
    paper.text(16, ROWS_TOP - 18, course_words["findings_title"], **{**bold, "ha": "left"})

    # rows of findings on a weeks axis
    bottom = _rows_bottom()
    for tick in WEEK_TICKS:
        x = week_x(7 * tick)
        paper.plot([x, x], [ROWS_TOP - 6, bottom], color=pal.GRID, lw=1, zorder=0.5)
        paper.text(x, bottom + 16, f"{tick}", ha="center", va="center", fontsize=pt(TICK_PX),
                   color=pal.INK)
    paper.plot([LEFT, RIGHT], [bottom, bottom], color=pal.MUTED_INK, lw=1.2)
    paper.text((LEFT + RIGHT) / 2, bottom + 42, course_words["weeks_label"], ha="center",
               va="center",
               fontsize=pt(LABEL_PX), color=pal.INK)
    fill, edge = pal.BAND_FILLS["relief"], pal.BAND_EDGES["relief"]
    for i, row in enumerate(course_words["rows"]):
        top = ROWS_TOP + i * ROW_H
        if i % 2 == 0:
            paper.add_patch(Rectangle((10, top), RIGHT - 10 + 10, ROW_H, facecolor=pal.PANEL,
                                      edgecolor="none", zorder=0))
        band_y = top + 8
        paper.text(LEFT - 12, band_y + BAND_H / 2, row["short"], **{**bold, "color": pal.INK})
        if row["from_days"] is not None:
            x0, x1 = week_x(row["from_days"]), max(week_x(row["to_days"]), week_x(0) + 10)
            if row["fade"]:
                solid = x0 + 0.4 * (x1 - x0)
                paper.add_patch(Rectangle((x0, band_y), solid - x0, BAND_H, facecolor=fill,
                                          edgecolor="none", zorder=1))
                steps = np.linspace(solid, x1, 25)
                for a, b, alpha in zip(steps[:-1], steps[1:], np.linspace(1, 0.08, 24),
                                       strict=True):
                    paper.add_patch(Rectangle((a, band_y), b - a + 0.5, BAND_H, facecolor=fill,
                                              edgecolor="none", alpha=float(alpha), zorder=1))
                paper.plot([x0, solid], [band_y, band_y], color=edge, lw=1.5, zorder=2)
                paper.plot([x0, solid], [band_y + BAND_H] * 2, color=edge, lw=1.5, zorder=2)
                paper.plot([x0, x0], [band_y, band_y + BAND_H], color=edge, lw=1.5, zorder=2)
            else:
                paper.add_patch(Rectangle((x0, band_y), x1 - x0, BAND_H, facecolor=fill,
                                          edgecolor=edge, lw=1.5, hatch="//", zorder=1))
        elif row.get("people"):  # k of n people, drawn as n figures with k of them empty
            k, n = row["people"]
            for j in range(n):
                _person(paper, LEFT + 12 + j * 24, band_y + BAND_H / 2 + 2,
                        "#ffffff" if j >= n - k else fill)
        paper.text(LEFT, top + 60, row["text"], ha="left", va="center", fontsize=pt(STRIP_PX),
                   color=pal.INK, linespacing=1.15)
        source = source_label.format(label=course_words["source_label"], source=row["source"])
        paper.text(LEFT, top + 95, source, ha="left", va="center", fontsize=pt(STRIP_PX - 3),
                   color=pal.MUTED_INK)


@lru_cache(maxsize=1)
def course_scene() -> Scene:
    """The course view's still parts: from the cache, or drawn and rendered to PNG once per
    process."""

    def draw():
        fig = new_figure(COURSE_W, COURSE_H)
        _draw_course(fig)
        return fig

    scene = Scene(draw, (COURSE_W, COURSE_H), strings_key("course"))
    scene.background_png()
    return scene


# --- The moving parts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseFrame:
    """What the course overlay shows for one protocol and audience."""

    protocol_id: str
    mode: str
    closest: tuple[str, ...]
    iv: bool


def course_frame(protocol_id: str, mode: str) -> CourseFrame:
    p = protocols()[protocol_id]
    closest = tuple(strings()["course"]["closest"].get(protocol_id, ()))
    return CourseFrame(protocol_id, mode, closest, p.route == "intravenous")


def _session_blocks(p: Protocol) -> list[str]:
    course_words = strings()["course"]
    out: list[str] = []
    top, h = CAL_TOP + 8, CAL_H - 16
    if p.route == "intravenous" and p.session_length_min > MINUTES_PER_DAY:
        for day in p.session_days:
            x0 = day_x(day) + 4
            x1 = min(day_x(day + p.session_length_min / MINUTES_PER_DAY), day_x(CALENDAR_DAYS))
            out.append(svg.rect(x0, top, x1 - x0, h, rx=8, fill=pal.CURVE,
                                class_="kx-course-session"))
            words = course_words["session_block"]["continuous"]
            if text_width(words, STRIP_PX) < x1 - x0 - 10:
                out.append(overlay_text((x0 + x1) / 2, top + h / 2, words, size=STRIP_PX,
                                        text_anchor="middle", fill="#ffffff",
                                        font_weight="bold"))
        return out
    n_doses = len(p.doses)
    for day in p.session_days:
        if day >= CALENDAR_DAYS:
            continue
        x0 = day_x(day) + 7
        w = CELL - 14
        if p.route == "intravenous":
            out.append(svg.rect(x0, top, w, h, rx=8, fill=pal.CURVE, class_="kx-course-session"))
            hours = p.session_length_min / 60
            words = course_words["session_block"]["hours"].format(
                h=f"{hours:.0f}" if hours == round(hours) else f"{hours:.1f}")
            out.append(overlay_text(x0 + w / 2, top + h / 2, words, size=STRIP_PX,
                                    text_anchor="middle", fill="#ffffff", font_weight="bold"))
        else:
            cols = 2 if n_doses > 1 else 1
            rows = -(-n_doses // cols)
            dots = []
            for k in range(n_doses):
                r, col = divmod(k, cols)
                cx = x0 + w / 2 + (col - (cols - 1) / 2) * 16
                cy = top + h / 2 + (r - (rows - 1) / 2) * 16
                dots.append(svg.circle(cx, cy, 6.5, fill=pal.CURVE, stroke=pal.INK,
                                       stroke_width=1))
            out.append(svg.group(dots, class_="kx-course-session"))
    if any(d >= CALENDAR_DAYS for d in p.session_days):
        out.append(overlay_text(RIGHT, CAL_TOP - 12, course_words["more_not_shown"], size=TICK_PX,
                                text_anchor="end", fill=pal.MUTED_INK))
    return out


def course_overlay(frame: CourseFrame) -> list[str]:
    """The overlay for one protocol: title, session blocks, the closest finding, the caveat."""
    words = strings()
    course_words = words["course"]
    p = protocols()[frame.protocol_id]
    out = [overlay_text(16, 24, p.name, size=LABEL_PX + 1, font_weight="bold",
                        class_="kx-course-title")]
    if p.example:
        out.append(overlay_text(COURSE_W - 12, 24, words["example_tag"], size=STRIP_PX - 1,
                                text_anchor="end", fill=pal.MUTED_INK, font_style="italic"))
    out += _session_blocks(p)
    boxes = row_boxes()
    for key in frame.closest:
        top, bottom = boxes[key]
        out.append(svg.rect(6, top + 2, COURSE_W - 12, bottom - top - 4, rx=10, fill="none",
                            stroke=pal.INK, stroke_width=3, class_="kx-course-closest"))
        out += boxed_text(RIGHT, top + 95, course_words["highlight"], size=STRIP_PX - 2,
                          anchor="end",
                          bold=True)
    bottom = _rows_bottom()
    y = bottom + 112
    if not frame.iv:
        lines = [x if x.endswith(".") else x + "." for x in
                 course_words["non_iv_note"]["text"].split(". ")]
        for i, line in enumerate(lines[:2]):
            out.append(overlay_text(COURSE_W / 2, y - 44 + 22 * i, line, size=STRIP_PX - 1,
                                    fill=pal.INK, font_style="italic", text_anchor="middle",
                                    class_="kx-course-note"))
    words = course_words["not_prediction"][frame.mode]
    w = text_width(words, LABEL_PX) + 28
    out.append(svg.rect(COURSE_W / 2 - w / 2, y - 4, w, 36, rx=8, fill="#ffffff", stroke=pal.INK,
                        stroke_width=2))
    out.append(overlay_text(COURSE_W / 2, y + 14, words, size=LABEL_PX, text_anchor="middle",
                            font_weight="bold", class_="kx-course-caveat"))
    return out
