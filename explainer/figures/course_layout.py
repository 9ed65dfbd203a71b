"""The course figure's layouts: its size, the calendar of the first two weeks, the rows of
findings on a weeks axis, and where each sits in the landscape and the portrait layout.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from explainer.figures.session.words import strings

__all__ = ["BAND_H", "CALENDAR_DAYS", "CANVASES", "COURSE_H", "COURSE_W", "CourseCanvas",
           "LINE_PX", "WEEKS", "WEEK_TICKS", "day_x", "row_boxes", "rows_bottom", "week_x"]

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
LINE_PX = 23
"""One line of a finding's words."""


@dataclass(frozen=True)
class CourseCanvas:
    """Where the course figure's parts sit in one layout (`CANVASES`). Landscape: the row
    titles beside the bands. Portrait (phones, 520 px wide): the titles above the bands, the
    findings' words wrapped to the width, the calendar's words above it, the words at the
    landscape's sizes (12 CSS px or more on a 390 px phone)."""

    shape: str
    width: float
    height: float
    left: float                 # the weeks axis and the findings' words
    right: float
    cal_left: float             # the calendar's cells
    cal_top: float
    cal_h: float
    rows_top: float
    row_h: float
    wrap: int = 0               # the findings' words wrapped at this many characters (0: as is)
    title_chars: int = 0        # the title wrapped (0: one line)
    titles_above: bool = False  # row titles above their band (else beside, right-aligned)

    @property
    def cell(self) -> float:
        return (self.right - self.cal_left) / CALENDAR_DAYS

    @property
    def band_dy(self) -> float:
        """From a row's top to its band."""
        return 36 if self.titles_above else 8

    def text_lines(self, text: str) -> list[str]:
        if not self.wrap:
            return text.split("\n")
        return textwrap.wrap(" ".join(text.split()), self.wrap)


def _portrait() -> CourseCanvas:
    rows = strings()["course"]["rows"]
    left, wrap = 16, 39
    lines = max(len(textwrap.wrap(" ".join(r["text"].split()), wrap)) for r in rows)
    row_h = 36 + BAND_H + 16 + lines * LINE_PX + 34
    rows_top = 300
    bottom = rows_top + len(rows) * row_h
    height = 50 * math.ceil((bottom + 260) / 50)   # whole half-inches: exact figure sizes
    return CourseCanvas("portrait", 520, height, left, 504, 60, 136, 56,
                        rows_top, row_h, wrap=wrap, title_chars=34, titles_above=True)


@lru_cache(maxsize=1)
def _canvases() -> Mapping[str, CourseCanvas]:
    return {"landscape": CourseCanvas("landscape", COURSE_W, COURSE_H, LEFT, RIGHT, LEFT,
                                      CAL_TOP, CAL_H, ROWS_TOP, ROW_H),
            "portrait": _portrait()}


class _Canvases(Mapping):
    """The layouts by name (the portrait's height follows the findings' words)."""

    def __getitem__(self, key: str) -> CourseCanvas:
        return _canvases()[key]

    def __iter__(self):
        return iter(("landscape", "portrait"))

    def __len__(self) -> int:
        return 2


CANVASES: Mapping[str, CourseCanvas] = _Canvases()


def week_x(days: float, c: CourseCanvas | None = None) -> float:
    """Days from the first session to x on the weeks axis."""
    c = c or CANVASES["landscape"]
    return c.left + (days / 7) / WEEKS * (c.right - c.left)


def day_x(days: float, c: CourseCanvas | None = None) -> float:
    """Days from the first session to x on the calendar (day 1 is the first cell)."""
    c = c or CANVASES["landscape"]
    return c.cal_left + days * c.cell


def row_boxes(shape: str = "landscape") -> Mapping[str, tuple[float, float]]:
    """Row key -> (top, bottom) in overlay px."""
    c = CANVASES[shape]
    rows = strings()["course"]["rows"]
    return {r["key"]: (c.rows_top + i * c.row_h, c.rows_top + (i + 1) * c.row_h)
            for i, r in enumerate(rows)}


def rows_bottom(c: CourseCanvas) -> float:
    return c.rows_top + len(strings()["course"]["rows"]) * c.row_h
