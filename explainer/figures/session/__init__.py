"""The treatment timeline's session view: the level in the blood over one session, and beneath it,
on the same time axis, a strip of what happens (arrive, the drip, checks, rest, home).

Matplotlib draws the still parts once per *layout* and process (`session_scene`): the axes, the
shaded, hatched and named concentration bands, gridlines, the words on the axes and the empty
lanes of the strip. The y axis is a FIXED log scale (`Y_RANGE`), and the x axis is one of a few
fixed layouts (`LAYOUTS`: a few hours, a whole day, several days), so changing the protocol,
weight or route never redraws the background unless the layout changes. Everything that moves is
a light SVG overlay built by pure functions from a `SessionCurve` (computed once per protocol,
weight and model, cached) — the curve, the strip's blocks, the y-axis words or numbers and the
time cursor — so a cursor move only indexes into arrays and formats a few strings:

    curve = session_curve("schwartzman-2009", 70.0)          # pk.simulate once, cached
    scene, amap = session_scene(curve.layout.key)             # background, once per layout
    elements = [*session_static(curve, "patient"),
                *session_cursor(curve, 90, "patient", level_text)]
    svg_text = scene.svg(elements, label)

This module only gathers the names from where they live, so existing imports keep working:

- `explainer.figures.geometry`: `Box`, `AxisMap`, `PLOT`, `Y_RANGE`, font sizes, `new_figure`,
  `paper_axes`, `plot_indices`;
- `explainer.figures.session_layout`: `Layout`, `LAYOUTS`, the strip, `layout_for`, `pattern_for`;
- `explainer.figures.timeline_words`: `strings`, `protocols`, `short_time`, `duration_words`;
- `explainer.figures.level_axes`: `draw_level_axes`, `y_axis_overlay`;
- `explainer.figures.overlay`: `overlay_text`, `boxed_text`, `hatch_defs`;
- `explainer.figures.session_curve`: `Phase`, `SessionCurve`, `session_curve`;
- `explainer.figures.session_background` (`session_scene`) and
  `explainer.figures.session_overlay` (`session_static`, `session_cursor`, `layer_document`);
- the numbers: `explainer.models.session` (levels, spans, falls) and `explainer.models.bands`
  (`band_key`).
"""

from __future__ import annotations

from explainer.figures.geometry import (
    LABEL_PX,
    PLOT,
    STRIP_PX,
    TICK_PX,
    Y_RANGE,
    AxisMap,
    Box,
    new_figure,
    paper_axes,
    plot_indices,
    pt,
    text_width,
)
from explainer.figures.level_axes import draw_level_axes, y_axis_overlay
from explainer.figures.overlay import boxed_text, hatch_defs, overlay_text
from explainer.figures.session_background import session_scene
from explainer.figures.session_curve import Phase, SessionCurve, session_curve
from explainer.figures.session_layout import (
    LANE_H,
    LANES,
    LAYOUTS,
    SESSION_H,
    SESSION_W,
    STRIP,
    STRIP_RIGHT,
    STRIP_TOP,
    Layout,
    layout_for,
    pattern_for,
)
from explainer.figures.session_overlay import layer_document, session_cursor, session_static
from explainer.figures.timeline_words import (
    STRINGS_TABLE,
    duration_short,
    duration_words,
    protocols,
    short_number,
    short_time,
    strings,
    strings_key,
)
from explainer.models.bands import BAND_ORDER, band_key
from explainer.models.session import FLOATY_NG_ML, RELIEF_NG_ML

FLOATY = FLOATY_NG_ML
"""ng/mL from which a person may feel floaty (older name for `models.session.FLOATY_NG_ML`)."""
RELIEF = RELIEF_NG_ML
"""The pain-relief band's floor (older name for `models.session.RELIEF_NG_ML`)."""

__all__ = [
    "AxisMap",
    "BAND_ORDER",
    "Box",
    "FLOATY",
    "LABEL_PX",
    "LANES",
    "LANE_H",
    "LAYOUTS",
    "Layout",
    "PLOT",
    "Phase",
    "RELIEF",
    "SESSION_H",
    "SESSION_W",
    "STRINGS_TABLE",
    "STRIP",
    "STRIP_PX",
    "STRIP_RIGHT",
    "STRIP_TOP",
    "SessionCurve",
    "TICK_PX",
    "Y_RANGE",
    "band_key",
    "boxed_text",
    "draw_level_axes",
    "duration_short",
    "duration_words",
    "hatch_defs",
    "layer_document",
    "layout_for",
    "new_figure",
    "overlay_text",
    "paper_axes",
    "pattern_for",
    "plot_indices",
    "protocols",
    "pt",
    "session_cursor",
    "session_curve",
    "session_scene",
    "session_static",
    "short_number",
    "short_time",
    "strings",
    "strings_key",
    "text_width",
    "y_axis_overlay",
]
