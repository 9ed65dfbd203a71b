"""Overlays drawn in the browser: anywidget models that hold a figure's packed frames.

    overlay = DiagramOverlay(pack=diagram_pack(mode, label))
    widgets.jsdlink((level_slider, "index"), (overlay, "slider_level"))   # in the page
    overlay.observe(..., "impulse")                                       # the kernel learns

The module's JavaScript (`overlay.js`) and stylesheet ship inside the package and reach the page
as the text of anywidget's `_esm` / `_css` traits (`BrowserModel`): nothing is fetched from
another host. A message from the page may set only the traits a linked control or Play sets,
each checked against the pack (`explainer.widgets.inbound` asks `_kx_inbound`).
"""

from __future__ import annotations

import numbers
from pathlib import Path

import traitlets
from ipywidgets import widget_serialization

from explainer.figures.geometry import PORTRAIT_BELOW_PX, SHAPES
from explainer.widgets.browser.model import BrowserModel

__all__ = ["CursorOverlay", "DiagramOverlay"]

HERE = Path(__file__).resolve().parent
PLAY_STEP_MS = 400
"""One impulse per 400 ms while playing (as the kernel-driven Play did)."""


def _whole(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


class _Overlay(BrowserModel):
    _esm_file = HERE / "overlay.js"
    _css_file = HERE / "overlay.css"
    pack = traitlets.Dict().tag(sync=True)
    live = traitlets.Bool(False, help="Set by the page once it draws (else the kernel's "
                                      "layer shows)").tag(sync=True)
    shape = traitlets.Enum(SHAPES, "landscape", help="The figure's layout, set by the page "
                           "from its width (portrait below `portrait_below` CSS px); the "
                           "kernel sends that layout's background and frames").tag(sync=True)
    portrait_below = traitlets.Int(PORTRAIT_BELOW_PX).tag(sync=True)
    words_to = traitlets.Dict(help="The describer widgets the page writes the packed words "
                              "into (name -> widget)").tag(sync=True, **widget_serialization)

    def _axis_size(self, axis: str) -> int:
        """How many values `axis` takes in the pack (the longest row, for ragged axes)."""
        node = [self.pack.get("table", [])]
        for name in self.pack.get("axes", []):
            if name == axis:
                return max((len(n) for n in node if isinstance(n, list)), default=0)
            node = [child for n in node if isinstance(n, list) for child in n]
        return 0

    def _index_of(self, axis: str):
        def check(widget, value) -> bool:
            return _whole(value) and 0 <= value < self._axis_size(axis)
        return check

    @property
    def _kx_inbound(self) -> dict:
        """The keys the page may send, and what each may hold (read by the inbound gate)."""
        return {"live": lambda w, v: isinstance(v, bool), "shape": lambda w, v: v in SHAPES}


class DiagramOverlay(_Overlay):
    """The pain-signal diagram's moving parts. The linked controls write `button_level` /
    `slider_level` in the page, which maps the mode's own control (`pack["maps"]`) onto
    `pack["levels"]`; the kernel writes
    `kernel_level` ([count, index]) only when it moves the level itself (index -1: a level off
    the grid, which the kernel's layer shows). Play writes `impulse` and `playing`."""

    kernel_level = traitlets.List([0, 0]).tag(sync=True)
    button_level = traitlets.Int(None, allow_none=True).tag(sync=True)
    slider_level = traitlets.Int(None, allow_none=True).tag(sync=True)
    pattern = traitlets.Int(1).tag(sync=True)
    impulse = traitlets.Int(0).tag(sync=True)
    playing = traitlets.Bool(False).tag(sync=True)
    step_ms = traitlets.Int(PLAY_STEP_MS).tag(sync=True)

    @property
    def _kx_inbound(self) -> dict:
        sizes = self.pack.get("sizes", {})

        def mapped(name):
            return lambda w, v: v is None or (_whole(v) and 0 <= v < sizes.get(name, 0))

        return {
            **super()._kx_inbound,
            "button_level": mapped("button_level"),
            "slider_level": mapped("slider_level"),
            "pattern": self._index_of("pattern"),
            "impulse": self._index_of("impulse"),
            "playing": lambda w, v: isinstance(v, bool),
        }


class CursorOverlay(_Overlay):
    """The session view's time cursor. `cursor` indexes `pack["positions"]` (minutes); the
    time slider in the page writes it."""

    cursor = traitlets.Int(0).tag(sync=True)

    @property
    def _kx_inbound(self) -> dict:
        return {**super()._kx_inbound, "cursor": self._index_of("cursor")}
