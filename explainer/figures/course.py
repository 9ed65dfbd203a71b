"""The course view: the sessions of a protocol on a calendar strip, and beneath it what studies
found over the following weeks — honest bands, each with its source — and, on the figure itself,
that this is an illustration of published averages, not a prediction for this patient.

The background (drawn once per process, `course_scene`) holds the 14-day calendar, the
zoom lines from those two weeks to the weeks axis, and the rows of findings (bands and words
from `assets/<locale>/strings/timeline.yaml`, `course.rows`). The overlay (`course_overlay`)
holds what depends on the protocol and audience: the title, the session blocks, an outline on
the finding closest to this protocol, and the "not a prediction" line.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from explainer import formatting as fmt
from explainer.content.clinic.env import shown_protocols as protocols
from explainer.content.protocols.library import Protocol
from explainer.content.strings import per_locale
from explainer.figures import palette as pal
from explainer.figures import svg
from explainer.figures.course_layout import (
    BAND_H,
    CALENDAR_DAYS,
    CANVASES,
    LINE_PX,
    WEEK_TICKS,
    CourseCanvas,
    day_x,
    row_boxes,
    rows_bottom,
    week_x,
)
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

__all__ = ["CourseFrame", "course_frame", "course_overlay", "course_scene"]


def _person(paper, x: float, y: float, colour: str) -> None:
    """A person: a round head over rounded shoulders (y runs down)."""
    from matplotlib.patches import Circle, FancyBboxPatch

    paper.add_patch(FancyBboxPatch((x - 8, y - 1), 16, 12, boxstyle="round,pad=0,rounding_size=5",
                                   facecolor=colour, edgecolor=pal.INK, lw=1))
    paper.add_patch(Circle((x, y - 7), 5, facecolor=colour, edgecolor=pal.INK, lw=1))


def _draw_course(fig, c: CourseCanvas) -> None:
    from matplotlib.patches import Polygon, Rectangle

    course_words = strings()["course"]
    source_label = strings()["formats"]["source_label"]
    paper = paper_axes(fig, c.width, c.height)
    bold = {"fontsize": pt(STRIP_PX), "fontweight": "bold", "color": pal.MUTED_INK,
            "ha": "right", "va": "center"}
    left_bold = {**bold, "ha": "left"}
    cal_top, cal_h, cell = c.cal_top, c.cal_h, c.cell

    # the calendar: 14 day cells
    if c.titles_above:
        paper.text(16, cal_top - 22, course_words["sessions_title"], **left_bold)
    else:
        paper.text(c.cal_left - 12, cal_top + cal_h / 2, course_words["sessions_title"], **bold)
    for i in range(CALENDAR_DAYS):
        x = day_x(i, c)
        paper.add_patch(Rectangle((x + 2, cal_top), cell - 4, cal_h, facecolor="#ffffff",
                                  edgecolor=pal.GRID, lw=1.5))
        paper.text(x + cell / 2, cal_top + cal_h + 14, f"{i + 1}", ha="center", va="center",
                   fontsize=pt(TICK_PX), color=pal.INK)
    paper.text(c.cal_left - 12, cal_top + cal_h + 14, course_words["days_label"], ha="right",
               va="center", fontsize=pt(TICK_PX), color=pal.MUTED_INK)

    # zoom: those 14 days are the first 2 weeks of the axis below
    y0, y1 = cal_top + cal_h + 28, c.rows_top - 34
    paper.add_patch(Polygon([(c.cal_left, y0), (c.right, y0), (week_x(14, c), y1),
                             (c.left, y1)],
                            closed=True, facecolor=pal.PANEL, edgecolor=pal.GRID, lw=1))
    paper.text(16, c.rows_top - 18, course_words["findings_title"], **left_bold)

    # rows of findings on a weeks axis
    bottom = rows_bottom(c)
    for tick in WEEK_TICKS:
        x = week_x(7 * tick, c)
        paper.plot([x, x], [c.rows_top - 6, bottom], color=pal.GRID, lw=1, zorder=0.5)
        paper.text(x, bottom + 16, f"{tick}", ha="center", va="center", fontsize=pt(TICK_PX),
                   color=pal.INK)
    paper.plot([c.left, c.right], [bottom, bottom], color=pal.MUTED_INK, lw=1.2)
    paper.text((c.left + c.right) / 2, bottom + 42, course_words["weeks_label"], ha="center",
               va="center",
               fontsize=pt(LABEL_PX), color=pal.INK)
    fill, edge = pal.BAND_FILLS["relief"], pal.BAND_EDGES["relief"]
    for i, row in enumerate(course_words["rows"]):
        top = c.rows_top + i * c.row_h
        if i % 2 == 0:
            paper.add_patch(Rectangle((10, top), c.right - 10 + 10, c.row_h,
                                      facecolor=pal.PANEL, edgecolor="none", zorder=0))
        band_y = top + c.band_dy
        if c.titles_above:
            paper.text(c.left, top + 18, row["short"], **{**left_bold, "color": pal.INK})
        else:
            paper.text(c.left - 12, band_y + BAND_H / 2, row["short"],
                       **{**bold, "color": pal.INK})
        if row["from_days"] is not None:
            x0 = week_x(row["from_days"], c)
            x1 = max(week_x(row["to_days"], c), week_x(0, c) + 10)
            if row["fade"]:
                solid = x0 + 0.4 * (x1 - x0)
                paper.add_patch(Rectangle((x0, band_y), solid - x0, BAND_H, facecolor=fill,
                                          edgecolor="none", zorder=1))
                import numpy as np  # (drawing a background: a cache miss only)

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
                _person(paper, c.left + 12 + j * 24, band_y + BAND_H / 2 + 2,
                        "#ffffff" if j >= n - k else fill)
        lines = c.text_lines(row["text"])
        if c.wrap:
            text_top = band_y + BAND_H + 16 + LINE_PX / 2
            for j, line in enumerate(lines):
                paper.text(c.left, text_top + j * LINE_PX, line, ha="left", va="center",
                           fontsize=pt(STRIP_PX), color=pal.INK)
            source_y = top + c.row_h - 20
        else:
            paper.text(c.left, top + 60, row["text"], ha="left", va="center",
                       fontsize=pt(STRIP_PX), color=pal.INK, linespacing=1.15)
            source_y = top + 95
        source = source_label.format(label=course_words["source_label"], source=row["source"])
        paper.text(c.left, source_y, source, ha="left", va="center", fontsize=pt(STRIP_PX - 2),
                   color=pal.MUTED_INK)


@per_locale(maxsize=2)
def course_scene(shape: str = "landscape") -> Scene:
    """The course view's still parts in one layout (`CANVASES`): from the cache, or drawn and
    rendered to PNG once per process."""
    c = CANVASES[shape]

    def draw():
        fig = new_figure(c.width, c.height)
        _draw_course(fig, c)
        return fig

    name = "course" if shape == "landscape" else f"course-{shape}"
    scene = Scene(draw, (c.width, c.height), strings_key(name))
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


def _session_blocks(p: Protocol, c: CourseCanvas) -> list[str]:
    course_words = strings()["course"]
    out: list[str] = []
    top, h = c.cal_top + 8, c.cal_h - 16
    if p.route == "intravenous" and p.session_length_min > MINUTES_PER_DAY:
        for day in p.session_days:
            x0 = day_x(day, c) + 4
            x1 = min(day_x(day + p.session_length_min / MINUTES_PER_DAY, c),
                     day_x(CALENDAR_DAYS, c))
            out.append(svg.rect(x0, top, x1 - x0, h, rx=8, fill=pal.CURVE,
                                class_="kx-course-session"))
            words = course_words["session_block"]["continuous"]
            if text_width(words, STRIP_PX) < x1 - x0 - 10:
                out.append(overlay_text((x0 + x1) / 2, top + h / 2, words, size=STRIP_PX,
                                        text_anchor="middle", fill="#ffffff",
                                        font_weight="bold"))
        return out
    n_doses = len(p.doses)
    pad = 7 if c.cell > 40 else 3
    for day in p.session_days:
        if day >= CALENDAR_DAYS:
            continue
        x0 = day_x(day, c) + pad
        w = c.cell - 2 * pad
        if p.route == "intravenous":
            out.append(svg.rect(x0, top, w, h, rx=8, fill=pal.CURVE, class_="kx-course-session"))
            hours = p.session_length_min / 60
            words = course_words["session_block"]["hours"].format(
                h=fmt.fixed(hours, 0 if hours == round(hours) else 1))
            if text_width(words, STRIP_PX) * 1.06 <= w or c.shape == "landscape":
                out.append(overlay_text(x0 + w / 2, top + h / 2, words, size=STRIP_PX,
                                        text_anchor="middle", fill="#ffffff",
                                        font_weight="bold"))   # (else the describer says it)
        else:
            cols = 2 if n_doses > 1 else 1
            rows = -(-n_doses // cols)
            gap = 16 if c.cell > 40 else 13
            dots = []
            for k in range(n_doses):
                r, col = divmod(k, cols)
                cx = x0 + w / 2 + (col - (cols - 1) / 2) * gap
                cy = top + h / 2 + (r - (rows - 1) / 2) * gap
                dots.append(svg.circle(cx, cy, 6 if c.cell < 40 else 6.5, fill=pal.CURVE,
                                       stroke=pal.INK, stroke_width=1))
            out.append(svg.group(dots, class_="kx-course-session"))
    if any(d >= CALENDAR_DAYS for d in p.session_days):
        out.append(overlay_text(c.right, c.cal_top - 12, course_words["more_not_shown"],
                                size=TICK_PX, text_anchor="end", fill=pal.MUTED_INK))
    return out


def course_overlay(frame: CourseFrame, shape: str = "landscape") -> list[str]:
    """The overlay for one protocol in one layout: title, session blocks, the closest finding,
    the caveat."""
    c = CANVASES[shape]
    words = strings()
    course_words = words["course"]
    p = protocols()[frame.protocol_id]
    title = textwrap.wrap(p.name, c.title_chars) if c.title_chars else [p.name]
    out = [overlay_text(16, 24 + i * (LABEL_PX + 7), line, size=LABEL_PX + 1,
                        font_weight="bold", class_="kx-course-title")
           for i, line in enumerate(title)]
    if p.example:
        y = 24 if not c.title_chars else 24 + len(title) * (LABEL_PX + 7)
        out.append(overlay_text(c.width - 12, y, words["example_tag"], size=STRIP_PX - 1,
                                text_anchor="end", fill=pal.MUTED_INK, font_style="italic"))
    out += _session_blocks(p, c)
    boxes = row_boxes(shape)
    for key in frame.closest:
        top, bottom = boxes[key]
        out.append(svg.rect(6, top + 2, c.width - 12, bottom - top - 4, rx=10, fill="none",
                            stroke=pal.INK, stroke_width=3, class_="kx-course-closest"))
        # a tab on the outline's top edge, clear of the row's source line
        out += boxed_text(c.right, top + 2, course_words["highlight"], size=STRIP_PX - 2,
                          anchor="end", bold=True)
    bottom = rows_bottom(c)
    y = bottom + 112
    if not frame.iv:
        lines = [x if x.endswith(".") else x + "." for x in
                 course_words["non_iv_note"]["text"].split(". ")]
        if c.wrap:
            lines = textwrap.wrap(" ".join(lines), c.wrap + 2)
        for i, line in enumerate(lines[:2] if not c.wrap else lines):
            out.append(overlay_text(c.width / 2, y - 44 + 22 * i, line, size=STRIP_PX - 1,
                                    fill=pal.INK, font_style="italic", text_anchor="middle",
                                    class_="kx-course-note"))
        if c.wrap:
            y += 22 * max(len(lines) - 2, 0)
    words = course_words["not_prediction"][frame.mode]
    lines = textwrap.wrap(words, c.wrap) if c.wrap else [words]
    w = max(text_width(line, LABEL_PX) for line in lines) + 28
    h = 36 + (len(lines) - 1) * (LABEL_PX + 6)
    out.append(svg.rect(c.width / 2 - w / 2, y - 4, w, h, rx=8, fill="#ffffff", stroke=pal.INK,
                        stroke_width=2))
    for i, line in enumerate(lines):
        out.append(overlay_text(c.width / 2, y + 14 + i * (LABEL_PX + 6), line, size=LABEL_PX,
                                text_anchor="middle", font_weight="bold",
                                class_="kx-course-caveat"))
    return out
