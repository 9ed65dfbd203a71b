"""The session figure's still parts, drawn once per layout (`session_scene`): the level axes and
the empty lanes of the strip beneath them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from explainer.figures import palette as pal
from explainer.figures.geometry import (
    PLOT,
    STRIP_PX,
    AxisMap,
    new_figure,
    paper_axes,
    pt,
)
from explainer.figures.level_axes import draw_level_axes
from explainer.figures.scene import Scene
from explainer.figures.session.layout import (
    LANE_H,
    LANES,
    LAYOUTS,
    SESSION_H,
    SESSION_W,
    STRIP,
    STRIP_RIGHT,
    Layout,
)
from explainer.figures.session.words import strings, strings_key

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _draw_strip(paper, layout: Layout, amap: AxisMap) -> None:
    from matplotlib.patches import Rectangle

    lane_names = strings()["session"]["lanes"]
    for i, lane in enumerate(LANES):
        top = STRIP.top + i * LANE_H
        paper.add_patch(Rectangle((STRIP.left, top), STRIP_RIGHT - STRIP.left, LANE_H,
                                  facecolor=pal.PANEL if i % 2 == 0 else "#ffffff",
                                  edgecolor="none", zorder=0))
        words = lane_names[lane].split(" ")
        label = lane_names[lane] if len(lane_names[lane]) <= 9 else "\n".join(
            [" ".join(words[:-1]), words[-1]] if len(words) > 1 else words)
        paper.text(STRIP.left - 10, top + LANE_H / 2, label, ha="right", va="center",
                   fontsize=pt(STRIP_PX - 1), fontweight="bold", color=pal.MUTED_INK,
                   linespacing=1.0)
    paper.plot([STRIP.left, STRIP_RIGHT], [STRIP.top, STRIP.top], color=pal.GRID, lw=1)
    paper.plot([STRIP.left, STRIP_RIGHT], [STRIP.bottom, STRIP.bottom], color=pal.GRID, lw=1)
    for tick in layout.ticks:
        x = float(amap.x(tick * layout.unit_min))
        paper.plot([x, x], [STRIP.top, STRIP.bottom], color=pal.GRID, lw=0.9, zorder=0.5)
    if layout.lo_min < 0:
        x = float(amap.x(0))
        paper.plot([x, x], [STRIP.top, STRIP.bottom], color=pal.MUTED_INK, lw=1.6,
                   ls=(0, (5, 3)), zorder=0.6)


def _draw_session(fig: Figure, layout: Layout) -> AxisMap:
    paper = paper_axes(fig, SESSION_W, SESSION_H)
    x_label = strings()["session"]["layouts"][layout.key]
    draw_level_axes(fig, paper, PLOT, layout.lo_min, layout.hi_min, layout.unit_min,
                    layout.ticks, x_label)
    amap = AxisMap(PLOT, layout.lo_min, layout.hi_min)
    _draw_strip(paper, layout, amap)
    return amap


@lru_cache(maxsize=len(LAYOUTS))
def session_scene(layout_key: str) -> tuple[Scene, AxisMap]:
    """The session view's still parts for one layout: from the cache, or drawn and rendered
    once per process."""
    layout = LAYOUTS[layout_key]

    def draw() -> Figure:
        fig = new_figure(SESSION_W, SESSION_H)
        _draw_session(fig, layout)
        return fig

    scene = Scene(draw, (SESSION_W, SESSION_H), strings_key(f"session-{layout_key}"))
    scene.background_png()
    return scene, AxisMap(PLOT, layout.lo_min, layout.hi_min)
