"""Pixels shared by the level figures (session, routes, handout): overlay boxes, the map from
time and level to overlay pixels, the standard plot box, font sizes and the empty matplotlib
figure they are drawn on.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure


Y_RANGE = (1.0, 3000.0)
"""The fixed log-scale y axis (ng/mL): from oral levels of a few ng/mL to the top of the
anaesthesia band (2,400), for every protocol, weight and route."""

SHAPES = ("landscape", "portrait")
"""Each figure's layouts: landscape (wide screens) and portrait (phones, drawn narrower with the
same words at the same sizes, so they read at 12 CSS px or more on a 390 px phone)."""
PORTRAIT_BELOW_PX = 700
"""A figure shown narrower than this (CSS px) takes its portrait layout: the landscape figures
(1040 layout px wide, no word under 18 layout px) keep their words at 12 CSS px or more from
here up. The page measures its own width and asks for the layout (`explainer.widgets.browser`).
"""
PHONE_FIGURE_PX = 355
"""How wide a figure is shown on a 390 px phone (the page's margins take the rest; the browser
test `tests/test_browser_figures.py` measures it): the portrait layouts are drawn so their
smallest word is 12 CSS px or more at this width."""

LABEL_PX = 21
"""Words on the figures, in layout px (about 15 px on a tablet, where the figure is ~730 px)."""
STRIP_PX = 20
TICK_PX = 19


def pt(px: float) -> float:
    """Layout pixels to points at the figures' 100 dpi (matplotlib sizes fonts in points)."""
    return px * 72 / 100


def text_width(text: str, size: float) -> float:
    """A generous estimate of a DejaVu Sans string's width in px (for fitting labels)."""
    return 0.6 * size * len(text)


@dataclass(frozen=True)
class Box:
    """A rectangle in overlay pixels (origin top-left, y down)."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def frac(self, width: float, height: float) -> tuple[float, float, float, float]:
        """matplotlib's `add_axes` rectangle (figure fractions, y up)."""
        return (self.left / width, 1 - self.bottom / height, self.width / width,
                self.height / height)


@dataclass(frozen=True)
class AxisMap:
    """Time (minutes) and level (ng/mL, log scale) to overlay pixels, for one axes box.

    Built from the same numbers the background's axes are placed with, so no matplotlib call is
    needed on the update path (tests check it against `Scene.px`); plain Python (a figure has a
    few hundred points), so a viewer's kernel needs no numpy to place them.
    """

    box: Box
    lo_min: float
    hi_min: float
    y_lo: float = Y_RANGE[0]
    y_hi: float = Y_RANGE[1]

    def x(self, t_min):
        """Overlay x of a time (minutes), or a list of them for a sequence of times."""
        if isinstance(t_min, Iterable):
            return [self.x(t) for t in t_min]
        return self.box.left + (t_min - self.lo_min) / (self.hi_min - self.lo_min) * self.box.width

    def y(self, conc):
        """Overlay y of a level (ng/mL, clipped to the axis), or a list of them for a sequence
        of levels."""
        if isinstance(conc, Iterable):
            return [self.y(c) for c in conc]
        c = min(max(float(conc), self.y_lo), self.y_hi)
        span = math.log10(self.y_hi) - math.log10(self.y_lo)
        return self.box.bottom - (math.log10(c) - math.log10(self.y_lo)) / span * self.box.height


PLOT = Box(130, 60, 850, 420)
"""The level axes (shared by the session and route figures)."""


def new_figure(width_px: float, height_px: float) -> Figure:
    """An empty figure of this size (matplotlib is imported here, on a cache miss only)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_px / 100, height_px / 100), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def paper_axes(fig: Figure, width: float, height: float):
    """An invisible axes over the whole figure in overlay pixels (y down), for margins."""
    paper = fig.add_axes((0, 0, 1, 1), zorder=5)
    paper.set_xlim(0, width)
    paper.set_ylim(height, 0)
    paper.axis("off")
    paper.patch.set_visible(False)
    return paper


def plot_indices(n: int, step: int, keys: Sequence[float]) -> list[int]:
    """Every `step`-th of `n` samples, plus the samples at `keys` and the last one, sorted and
    unique."""
    picked = set(range(0, n, step))
    picked.update(min(max(int(round(k)), 0), n - 1) for k in keys)
    picked.add(n - 1)
    return sorted(picked)
