"""The session figure's fixed layouts: its size, the time axes (a few hours, a day, several days),
the strip of lanes under the plot, and which layout and strip pattern a protocol takes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from explainer.content.protocols.library import Protocol
from explainer.figures.geometry import (
    PLOT,
    Box,
)

if TYPE_CHECKING:
    pass


SESSION_W, SESSION_H = 1040, 650
"""Session figure size in layout pixels (10.4 × 6.5 in at 100 dpi); the PNG is twice that."""

@dataclass(frozen=True)
class Layout:
    """One fixed time axis (its own cached background)."""

    key: str
    unit_min: float              # minutes per axis unit (60: hours, 1440: days)
    lo_min: float
    hi_min: float
    ticks: tuple[float, ...]     # in axis units
    step_min: int                # the time cursor's step
    default_cursor_min: float

    @property
    def cursor_positions(self) -> tuple[int, ...]:
        return tuple(range(int(self.lo_min), int(self.hi_min) + 1, self.step_min))

    def clamp(self, t_min: float) -> float:
        """The nearest cursor position to `t_min`."""
        t = min(max(t_min, self.lo_min), self.hi_min)
        return float(self.lo_min + round((t - self.lo_min) / self.step_min) * self.step_min)


LAYOUTS: Mapping[str, Layout] = {
    "hours": Layout("hours", 60, -60, 420, tuple(range(0, 8)), 5, 90),
    "day24": Layout("day24", 60, 0, 1440, tuple(range(0, 25, 4)), 10, 60),
    "days": Layout("days", 1440, -360, 7200, tuple(range(0, 6)), 60, 1440),
}
"""Outpatient sessions and single doses (−1 to 7 h), a day of oral doses (0–24 h), and
continuous infusions over days (−¼ to 5 days)."""


STRIP_TOP = 494
LANE_H = 50
LANES = ("happen", "checks", "feel")
STRIP = Box(PLOT.left, STRIP_TOP, PLOT.right, STRIP_TOP + LANE_H * len(LANES))
STRIP_RIGHT = SESSION_W - 8
"""A phase that runs to the end of the axis ("home") continues to here: the rest of the day."""


@dataclass(frozen=True)
class Canvas:
    """Where the session figure's parts sit in one of its layouts (`CANVASES`).

    Landscape: the band names beside the plot. Portrait (phones): 520 px wide, the title on up
    to two lines, the example tag, the cursor's label and the unit each on their own row above
    the plot, and the band names in a key under the strip,
    every word at the landscape's sizes (so 12 CSS px or more on a 390 px phone)."""

    shape: str
    width: float
    height: float
    plot: Box
    strip: Box
    strip_right: float
    label_right: float           # the cursor's label keeps left of this
    label_y: float | None = None  # the cursor label's row (None: in the plot, near its top)
    title_chars: int = 0         # wrap the title at this many characters (0: one line)
    tag_y: float | None = None   # the example tag's row (None: just above the plot)
    unit_y: float | None = None  # the trainee's unit's row (None: just above the plot)
    band_key_top: float | None = None   # the band names' key (None: beside the plot)


def _portrait() -> Canvas:
    plot = Box(PLOT.left, 150, 504, 500)
    top = 576
    return Canvas("portrait", 520, 850, plot, Box(plot.left, top, plot.right,
                                                  top + LANE_H * len(LANES)),
                  strip_right=512, label_right=512, label_y=114, title_chars=34, tag_y=80,
                  unit_y=140, band_key_top=top + LANE_H * len(LANES) + 30)


CANVASES: Mapping[str, Canvas] = {
    "landscape": Canvas("landscape", SESSION_W, SESSION_H, PLOT, STRIP, STRIP_RIGHT,
                        label_right=PLOT.right + 36),   # clear of the band names
    "portrait": _portrait(),
}
"""The session figure's layouts, by name (`explainer.figures.geometry.SHAPES`)."""


def layout_for(protocol: Protocol) -> Layout:
    """The fixed layout that holds one session of `protocol`."""
    length = protocol.session_length_min
    if length <= 360:
        return LAYOUTS["hours"]
    if length <= 1440:
        return LAYOUTS["day24"]
    return LAYOUTS["days"]


def pattern_for(protocol: Protocol) -> str:
    """Which strip pattern (timeline.yaml `patterns`) describes a session of `protocol`."""
    if protocol.route == "intravenous":
        return "iv-continuous" if protocol.session_length_min > 1440 else "iv-session"
    return "single-dose" if len(protocol.doses) == 1 else "daily-doses"
