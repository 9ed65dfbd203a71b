"""The handout's two pictures as vector SVG (matplotlib, drawn per handout, never on screen).

- `session_chart_svg(curve, plan)`: the session's level curve over the same bands, hatches and
  words as the page's chart (`explainer.figures.level_axes.draw_level_axes`), with the drip
  shaded and, when a plan is given, the time axis in clock times.
- `pain_signal_svg()`: the pain-signal diagram's still drawing (`explainer.figures.pain_signal`)
  in vector form.

Text is kept as text (``svg.fonttype: none``) in DejaVu Sans, which the PDF embeds.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache

import matplotlib

from explainer.content.clinic.text import strings
from explainer.figures import pain_signal as pain_fig
from explainer.figures import palette as pal
from explainer.figures.geometry import LABEL_PX, TICK_PX, Y_RANGE, Box, new_figure, paper_axes, pt
from explainer.figures.level_axes import draw_level_axes
from explainer.figures.scene import project_style
from explainer.figures.session.curve import SessionCurve
from explainer.figures.session.words import strings as timeline_strings
from explainer.models.plan import Plan, clock

__all__ = ["pain_signal_svg", "session_chart_svg"]

CHART_W, CHART_H = 1040, 520
"""The chart's layout pixels (10.4 × 5.2 in): the page chart without its strip."""
PLOT = Box(110, 30, 850, 430)


def _svg(fig) -> str:
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "kx-handout"}):
        fig.savefig(buf, format="svg")
    text = buf.getvalue()
    # The document's metadata block holds a creation date; the PDF does not need it.
    return re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)


def _clock_label(plan: Plan, t_min: float, days: bool) -> str:
    moment = plan.clock_at(t_min)
    return f"{moment.strftime('%a')} {moment.day}" if days else clock(moment)


def session_chart_svg(curve: SessionCurve, plan: Plan | None = None) -> str:
    """One session of ``curve``'s protocol as a vector chart (hours, or clock times)."""
    layout = curve.layout
    days = layout.key == "days"
    labels = (tuple(_clock_label(plan, t * layout.unit_min, days) for t in layout.ticks)
              if plan is not None else None)
    return _session_chart(curve, labels)


@lru_cache(maxsize=32)
def _session_chart(curve: SessionCurve, labels: tuple[str, ...] | None) -> str:
    """The chart for one curve and one set of tick labels (None: hours), drawn once."""
    layout = curve.layout
    session_words = timeline_strings()["session"]
    days = layout.key == "days"
    with project_style():
        fig = new_figure(CHART_W, CHART_H)
        paper = paper_axes(fig, CHART_W, CHART_H)
        words = strings()["handout"]
        x_label = ((words["chart_x_days"] if days else words["chart_x_clock"])
                   if labels is not None else session_words["layouts"][layout.key])
        ax = draw_level_axes(fig, paper, PLOT, layout.lo_min, layout.hi_min,
                                layout.unit_min, layout.ticks, x_label)
        if labels is not None:
            ax.set_xticklabels(list(labels), fontsize=pt(TICK_PX))
        t = curve.times_min / layout.unit_min
        ax.plot(t, [max(c, Y_RANGE[0]) for c in curve.conc], color=pal.CURVE, lw=3.2,
                zorder=3)
        if curve.protocol.route == "intravenous":
            ax.axvspan(0, curve.end_min / layout.unit_min, color=pal.PANEL, zorder=0.2)
            ax.text(curve.end_min / layout.unit_min / 2, 1.6, words["chart_drip"], ha="center",
                    va="bottom", fontsize=pt(LABEL_PX), color=pal.INK, zorder=4)
        return _svg(fig)


@lru_cache(maxsize=1)
def pain_signal_svg() -> str:
    """The pain-signal diagram's drawing (the same figure as the page's background)."""
    with project_style():
        fig = pain_fig.diagram_scene().fig
        return _svg(fig)
