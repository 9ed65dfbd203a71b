"""The pain-signal diagram: a pain nerve, the synapse in the spinal cord, and the way to the brain.

Matplotlib draws the still parts once per process (`diagram_scene`, `chart_scene`, both cached);
everything that moves is a light SVG overlay built by pure functions from a `DiagramFrame` or a
`ChartFrame`, so an update never touches matplotlib and can be tested without a browser:

    frame = diagram_frame(nmda.simulate(115.0), impulse=16, mode="patient")
    elements = diagram_overlay(frame)                 # list of SVG strings
    svg_text = diagram_scene().svg(elements, label)   # one small document (a few KB)

Left to right: BODY (skin, pinch, pain nerve) → SPINAL CORD (nerve ending, glutamate in the gap,
AMPA and NMDA channels in the spinal cord nerve cell's membrane, the cell) → BRAIN (a signal bar
that fills towards the brain, with words for its strength). The NMDA channels each hold a
magnesium plug that moves out and fades as the cell depolarises, and ketamine markers ("K") in
a share of them that follows the fraction blocked. Colour is never the only cue: every part is
labelled, the plug moves as well as fades, and ketamine is a lettered square.

All words come from `assets/<locale>/strings/pain_signal.yaml` (`strings()`).

The package is split by idea; every name is importable from ``pain_signal`` itself:
``geometry`` (where the parts sit, sizes, strings, the signal bar's scale), ``background`` (the
still drawing, `diagram_scene`), ``frame`` (`DiagramFrame`, `diagram_frame`, the words for a
share), ``overlay`` (`diagram_overlay`) and ``chart`` (the trainee's response chart).
"""

from __future__ import annotations

from explainer.figures.pain_signal.background import diagram_scene
from explainer.figures.pain_signal.chart import (
    CHART,
    CHART_AXES,
    RESPONSE_CHART_H,
    RESPONSE_CHART_W,
    ChartFrame,
    ChartGeometry,
    chart_frame,
    chart_geometry,
    chart_overlay,
    chart_scene,
)
from explainer.figures.pain_signal.frame import (
    DiagramFrame,
    diagram_frame,
    format_conc,
    share_phrase,
)
from explainer.figures.pain_signal.geometry import (
    DIAGRAM_H,
    DIAGRAM_W,
    GEOMETRIES,
    GEOMETRY,
    LABEL_PT,
    N_CHANNELS,
    OVERLAY_PX,
    STRINGS_TABLE,
    WORD_BOX_W,
    Geometry,
    strength_index,
    strings,
    strings_file,
)
from explainer.figures.pain_signal.overlay import FONT, diagram_overlay

__all__ = [
    "CHART",
    "CHART_AXES",
    "ChartFrame",
    "ChartGeometry",
    "DIAGRAM_H",
    "DIAGRAM_W",
    "DiagramFrame",
    "FONT",
    "GEOMETRIES",
    "GEOMETRY",
    "Geometry",
    "LABEL_PT",
    "N_CHANNELS",
    "OVERLAY_PX",
    "RESPONSE_CHART_H",
    "RESPONSE_CHART_W",
    "STRINGS_TABLE",
    "strings_file",
    "WORD_BOX_W",
    "chart_frame",
    "chart_geometry",
    "chart_overlay",
    "chart_scene",
    "diagram_frame",
    "diagram_overlay",
    "diagram_scene",
    "format_conc",
    "share_phrase",
    "strength_index",
    "strings",
]
