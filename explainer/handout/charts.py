"""The handout's two pictures as vector SVG: the page's own figures, as the page showed them.

Each picture on the page is a still background (matplotlib, `explainer.figures.scene.Scene`)
under SVG overlays built by pure functions. The handout draws the same two things in vector
form: the background as matplotlib's SVG (text kept as text, ``svg.fonttype: none``, in DejaVu
Sans, which the PDF embeds) and, on top in the same pixels, the overlay elements from the very
functions that draw the page's layers:

- `session_chart_svg(curve, mode, cursor)`: the session chart (`session_static`: the curve,
  the strip, the words), the time cursor where it was (`session_cursor`) and, with a plan,
  the clock times (`explainer.figures.clock_axis`, the page's clock layer);
- `pain_signal_svg(frame)`: the pain-signal diagram with its moving parts (`diagram_overlay`)
  for the frame the page showed (level, pattern, impulses).

The backgrounds are drawn once per process (cached); an overlay costs a few milliseconds.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from html import escape
from typing import NamedTuple

from explainer.content import strings
from explainer.figures import pain_signal as pain_fig
from explainer.figures import session as tl
from explainer.figures.clock_axis import clock_axis
from explainer.figures.scene import Scene, project_style
from explainer.figures.session.curve import SessionCurve
from explainer.models.plan import Plan

__all__ = ["Cursor", "compose", "pain_signal_svg", "session_chart_svg"]


class Cursor(NamedTuple):
    """The session chart's time cursor as the page showed it: minutes from the start and the
    words beside it (`explainer.widgets.timeline.describe_session.cursor_label`)."""

    t_min: float
    label: str


@lru_cache(maxsize=8)
def _background(scene_key: str, scene: Scene) -> tuple[str, float]:
    """The scene's still drawing as SVG *content* (its outer element removed), and the scale
    from matplotlib's points to the scene's layout pixels."""
    import matplotlib

    fig = scene.fig
    buf = io.StringIO()
    with project_style(), matplotlib.rc_context({"svg.fonttype": "none",
                                                  "svg.hashsalt": scene_key}):
        fig.savefig(buf, format="svg")
    text = re.sub(r"<metadata>.*?</metadata>", "", buf.getvalue(), flags=re.S)
    inner = text[text.index(">", text.index("<svg")) + 1:text.rindex("</svg>")]
    return inner, float(fig.dpi) / 72.0


def compose(scene: Scene, scene_key: str, elements: list[str], label: str) -> str:
    """One SVG document: the scene's background (vector) and ``elements`` over it, in the
    scene's layout pixels (the same pixels the page's overlay uses)."""
    inner, scale = _background(scene_key, scene)
    width, height = scene.width_px, scene.height_px
    return (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}">'
            f'<title>{escape(label)}</title><g transform="scale({scale:.6f})">{inner}</g>'
            f'{"".join(elements)}</svg>')


def session_chart_svg(curve: SessionCurve, mode: str = "patient", cursor: Cursor | None = None,
                      plan: Plan | None = None, axis_word: str = "") -> str:
    """The page's session chart for ``curve``: its overlay, the cursor (if given) and the
    plan's clock times under the axis (if given, with ``axis_word`` beneath them)."""
    scene, _ = tl.session_scene(curve.layout.key)
    elements = list(tl.session_static(curve, mode))
    if cursor is not None:
        elements += tl.session_cursor(curve, cursor.t_min, mode, cursor.label)
    if plan is not None:
        elements += clock_axis(plan, curve.layout, axis_word)
    return compose(scene, f"session-{curve.layout.key}", elements, curve.protocol.name)


def pain_signal_svg(frame: pain_fig.DiagramFrame) -> str:
    """The pain-signal diagram with the moving parts of ``frame`` (the page's overlay)."""
    label = strings.text("pain_signal", "figure.label")
    return compose(pain_fig.diagram_scene(), "pain-signal", pain_fig.diagram_overlay(frame),
                   label)
