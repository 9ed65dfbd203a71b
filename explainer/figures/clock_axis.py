"""Clock times over the session chart's hour ticks, for a personal plan (SVG elements).

    elements = clock_axis(plan, layout, "clock time")   # the page's layer and the handout's
    elements = clock_axis(plan, layout, "clock time", CANVASES["portrait"])   # on a phone

The page puts them in an overlay layer above the session chart (`explainer.widgets.plan`); the
handout draws the same elements over the same chart (`explainer.handout.charts`), so the two
cannot differ. The words under the axis come from the caller.
"""

from __future__ import annotations

from explainer import formatting as fmt
from explainer.figures import svg
from explainer.figures.geometry import TICK_PX, AxisMap
from explainer.figures.overlay import boxed_text, overlay_text
from explainer.figures.session.layout import CANVASES, Canvas, Layout
from explainer.models.plan import Plan

__all__ = ["clock_axis", "tick_label"]


def tick_label(plan: Plan, t_min: float, days: bool) -> str:
    """``09:30`` (a few hours or a day), or ``Tue 3`` (several days)."""
    moment = plan.clock_at(t_min)
    return f"{fmt.weekday(moment, short=True)} {moment.day}" if days else fmt.clock(moment)


def clock_axis(plan: Plan, layout: Layout, axis_word: str,
               canvas: Canvas = CANVASES["landscape"]) -> list[str]:
    """Clock times (or days) written over the chart's hour ticks, and ``axis_word`` over the
    axis's own words ("hours from the start"), in the pixels of the chart's layout ``canvas``."""
    plot = canvas.plot
    amap = AxisMap(plot, layout.lo_min, layout.hi_min)
    days = layout.key == "days"
    elements: list[str] = []
    for tick in layout.ticks:
        t_min = tick * layout.unit_min
        elements += boxed_text(float(amap.x(t_min)), plot.bottom + 16,
                               tick_label(plan, t_min, days), size=TICK_PX - 2,
                               anchor="middle", stroke="#ffffff")
    centre, y = (plot.left + plot.right) / 2, plot.bottom + 43
    elements += [svg.rect(centre - 200, y - 15, 400, 30, fill="#ffffff"),
                 overlay_text(centre, y, axis_word, text_anchor="middle")]
    return elements
