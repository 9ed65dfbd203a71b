"""Overlay primitives shared by the timeline figures: text in the figures' font, text on a white
box, and the hatch pattern that matches the background's floaty band.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from explainer.figures import palette as pal
from explainer.figures import svg
from explainer.figures.geometry import (
    LABEL_PX,
)

if TYPE_CHECKING:
    pass


def overlay_text(x, y, content, size=LABEL_PX, **attrs) -> str:
    return svg.text(x, y, content, size=size, dominant_baseline="central", **attrs)


def boxed_text(x: float, y: float, content: str, size: float = LABEL_PX, anchor: str = "start",
               stroke: str = pal.INK, bold: bool = False, **attrs) -> list[str]:
    """Text on a white rounded box (readable over bands and hatches)."""
    w = 0.57 * size * len(content) * (1.06 if bold else 1.0) + 16
    left = x - 8 if anchor == "start" else x - w + 8 if anchor == "end" else x - w / 2
    return [
        svg.rect(left, y - size * 0.75, w, size * 1.5, rx=6, fill="#ffffff", stroke=stroke,
                 stroke_width=1.5),
        overlay_text(x, y, content, size=size, text_anchor=anchor,
                     font_weight="bold" if bold else None, **attrs),
    ]


def hatch_defs() -> str:
    """SVG hatch patterns matching the background's band hatches (for strip spans)."""
    return svg.element("defs", [svg.element(
        "pattern",
        [svg.rect(0, 0, 8, 8, fill=pal.BAND_FILLS["dissociation"]),
         svg.line(0, 0, 8, 8, stroke=pal.BAND_EDGES["dissociation"], stroke_width=1)],
        id="kx-tl-floaty", width=8, height=8, patternUnits="userSpaceOnUse")])
