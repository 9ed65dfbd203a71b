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

One module per idea: `layout` (the fixed layouts, the strip's lanes), `curve` (`SessionCurve`:
one session's levels, phases and words, cached per protocol, weight and model), `background`
(`session_scene`), `overlay` (`session_static`, `session_cursor`, `layer_document`) and `words`
(the timeline figures' strings, times and durations in words). The pixels shared with the other
level figures are `explainer.figures.geometry`, `level_axes` and `overlay`; the numbers are
`explainer.models.session` and `explainer.models.bands`; the protocols shown are
`explainer.content.clinic.env.shown_protocols`.
"""

from __future__ import annotations

from explainer.figures.session.background import session_scene
from explainer.figures.session.curve import Phase, SessionCurve, session_curve
from explainer.figures.session.layout import (
    CANVASES,
    LANE_H,
    LANES,
    LAYOUTS,
    SESSION_H,
    SESSION_W,
    STRIP,
    STRIP_RIGHT,
    STRIP_TOP,
    Canvas,
    Layout,
    layout_for,
    pattern_for,
)
from explainer.figures.session.overlay import (
    cursor_segments,
    layer_document,
    session_cursor,
    session_static,
    strip_text_boxes,
)
from explainer.figures.session.words import (
    STRINGS_TABLE,
    duration_short,
    duration_words,
    short_number,
    short_time,
    strings,
    strings_key,
)

__all__ = [
    "CANVASES",
    "Canvas",
    "LANES",
    "LANE_H",
    "LAYOUTS",
    "Layout",
    "Phase",
    "SESSION_H",
    "SESSION_W",
    "STRINGS_TABLE",
    "STRIP",
    "STRIP_RIGHT",
    "STRIP_TOP",
    "SessionCurve",
    "cursor_segments",
    "duration_short",
    "duration_words",
    "layer_document",
    "layout_for",
    "pattern_for",
    "session_cursor",
    "session_curve",
    "session_scene",
    "session_static",
    "short_number",
    "short_time",
    "strings",
    "strings_key",
    "strip_text_boxes",
]
