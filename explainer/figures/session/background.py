"""The session figure's still parts, drawn once per time axis and layout (`session_scene`): the
level axes and the empty lanes of the strip beneath them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from explainer.content.strings import per_locale
from explainer.figures import level_axes  # the module: level_axes imports session.words
from explainer.figures import palette as pal
from explainer.figures.geometry import (
    STRIP_PX,
    AxisMap,
    new_figure,
    paper_axes,
    pt,
)
from explainer.figures.scene import Scene
from explainer.figures.session.layout import CANVASES, LANE_H, LANES, LAYOUTS, Canvas, Layout
from explainer.figures.session.words import strings, strings_key

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _draw_strip(paper, layout: Layout, amap: AxisMap, canvas: Canvas) -> None:
    from matplotlib.patches import Rectangle

    strip, strip_right = canvas.strip, canvas.strip_right
    lane_names = strings()["session"]["lanes"]
    for i, lane in enumerate(LANES):
        top = strip.top + i * LANE_H
        paper.add_patch(Rectangle((strip.left, top), strip_right - strip.left, LANE_H,
                                  facecolor=pal.PANEL if i % 2 == 0 else "#ffffff",
                                  edgecolor="none", zorder=0))
        words = lane_names[lane].split(" ")
        label = lane_names[lane] if len(lane_names[lane]) <= 9 else "\n".join(
            [" ".join(words[:-1]), words[-1]] if len(words) > 1 else words)
        paper.text(strip.left - 10, top + LANE_H / 2, label, ha="right", va="center",
                   fontsize=pt(STRIP_PX - 1), fontweight="bold", color=pal.MUTED_INK,
                   linespacing=1.0)
    paper.plot([strip.left, strip_right], [strip.top, strip.top], color=pal.GRID, lw=1)
    paper.plot([strip.left, strip_right], [strip.bottom, strip.bottom], color=pal.GRID, lw=1)
    for tick in layout.ticks:
        x = float(amap.x(tick * layout.unit_min))
        paper.plot([x, x], [strip.top, strip.bottom], color=pal.GRID, lw=0.9, zorder=0.5)
    if layout.lo_min < 0:
        x = float(amap.x(0))
        paper.plot([x, x], [strip.top, strip.bottom], color=pal.MUTED_INK, lw=1.6,
                   ls=(0, (5, 3)), zorder=0.6)


def _draw_session(fig: Figure, layout: Layout, canvas: Canvas) -> AxisMap:
    paper = paper_axes(fig, canvas.width, canvas.height)
    x_label = strings()["session"]["layouts"][layout.key]
    level_axes.draw_level_axes(fig, paper, canvas.plot, layout.lo_min, layout.hi_min,
                               layout.unit_min, layout.ticks, x_label,
                               key_top=canvas.band_key_top)
    amap = AxisMap(canvas.plot, layout.lo_min, layout.hi_min)
    _draw_strip(paper, layout, amap, canvas)
    return amap


@per_locale(maxsize=len(LAYOUTS) * len(CANVASES))
def session_scene(layout_key: str, shape: str = "landscape") -> tuple[Scene, AxisMap]:
    """The session view's still parts for one time axis in one layout (`CANVASES`): from the
    cache, or drawn and rendered once per process."""
    layout, canvas = LAYOUTS[layout_key], CANVASES[shape]

    def draw() -> Figure:
        fig = new_figure(canvas.width, canvas.height)
        _draw_session(fig, layout, canvas)
        return fig

    name = f"session-{layout_key}" if shape == "landscape" else f"session-{shape}-{layout_key}"
    scene = Scene(draw, (canvas.width, canvas.height), strings_key(name))
    scene.background_png()
    return scene, AxisMap(canvas.plot, layout.lo_min, layout.hi_min)
