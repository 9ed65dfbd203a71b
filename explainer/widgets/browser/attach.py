"""Put a browser-drawn overlay on a widget's figure, linked to its controls in the page.

    widget.browser = BrowserDiagram(widget)      # in PainSignalWidget.__init__
    timeline.browser = BrowserCursor(timeline)   # in TimelineWidget.__init__

Each also carries the page's choice of layout (`shape`: portrait when the figure is shown
narrower than `PORTRAIT_BELOW_PX`, measured in the page) to the widget's `set_shape`, which
swaps in that layout's background and overlay; the pack follows here.

Each adds its overlay on top of the figure's stack (`.kx-browser-overlay`), links the controls
to it in the page (`jsdlink`: a move changes the picture with no kernel round trip), and keeps
it in step with the state when the kernel is the one that moves it (a timeline setting the
level, Reset, a change of mode or protocol). The kernel's own layer stays underneath and keeps
updating: the page's stylesheet makes it transparent while the browser's layer draws
(`.kx-kernel-drawn`), so a level the pack does not hold, or a page where the overlay's module
cannot run, still shows the kernel's picture; in the second case a note says so in words
(`fallback_note`). The words follow the same rule (issue 26): the overlay writes the packed
words into the widget's describer and live region (`words_to`), and the widget records them
without sending them again (`words_in_page`); off the pack, the kernel's words are sent.
"""

from __future__ import annotations

from html import escape

import ipywidgets as widgets

from explainer.content import strings
from explainer.widgets.browser.overlay import CursorOverlay, DiagramOverlay
from explainer.widgets.browser.packs import PATTERN_ORDER, cursor_pack, diagram_pack
from explainer.widgets.safety import CallbackGuard
from explainer.widgets.syncing import syncing

__all__ = ["BrowserCursor", "BrowserDiagram", "fallback_note"]


def fallback_note() -> widgets.HTML:
    """'The quick picture did not load…' — shown by the stylesheet only if the overlay never
    drew (a few seconds after the page appears), hidden otherwise."""
    words = strings.text("ui", "browser_drawing.fallback")
    note = widgets.HTML(f'<p class="kx-note">{escape(words)}</p>')
    note.add_class("kx-browser-fallback")
    return note


def _insert_layer(parent, view, overlay, kernel_layer) -> None:
    """Overlay on top of the figure's stack; the kernel's layer marked for the stylesheet; the
    fallback note right after the figure's view in `parent`."""
    view.add_layer(overlay)
    kernel_layer.add_class("kx-kernel-drawn")
    at = parent.children.index(view) + 1
    parent.children = (*parent.children[:at], fallback_note(), *parent.children[at:])


class BrowserDiagram:
    """The pain-signal diagram drawn in the page (`overlay`), for a `PainSignalWidget`.

    What the page moves (level, pattern, impulse) the kernel never writes back while the page
    drives it: a fast drag would otherwise receive stale values. The kernel writes the level
    only when it moves it itself off the grid (a timeline's cursor) and on the way back."""

    def __init__(self, widget):
        self.widget = widget
        st = widget.state
        self._mode = None
        self._shape = None
        self._count = 0
        self._until_live = False
        self.overlay = DiagramOverlay(
            button_level=widget.level_buttons.index, slider_level=widget.level_slider.index,
            pattern=PATTERN_ORDER.index(st.pattern), impulse=st.impulse,
            words_to={"describer": widget.view.describer, "announcer": widget.announcer})
        self._off_grid = False
        self.sync()
        _insert_layer(widget, widget.view, self.overlay, widget.view.overlay)
        self.links = [
            widgets.jsdlink((widget.level_buttons, "index"), (self.overlay, "button_level")),
            widgets.jsdlink((widget.level_slider, "index"), (self.overlay, "slider_level")),
            widgets.jsdlink((widget.pattern_buttons, "index"), (self.overlay, "pattern")),
            widgets.jslink((widget.play_button, "value"), (self.overlay, "playing")),
        ]
        safe = CallbackGuard(widget.error)
        st.observe(safe(lambda change: self.sync()), names=["conc_ng_ml", "mode"])
        self.overlay.observe(safe(self._on_shape), names="shape")
        self.overlay.observe(safe(self._on_impulse), names="impulse")
        self.overlay.observe(safe(self._on_playing), names="playing")
        widget.reset_button.on_click(safe(self._on_reset))

    def words_in_page(self) -> bool:
        """Whether the page writes the words of the state now shown (issue 26): it draws, and
        the level is one the pack holds (else the kernel's words are sent)."""
        return self.overlay.live and self.widget.state.conc_ng_ml in self.overlay.pack["levels"]

    @property
    def plays(self) -> bool:
        """Whether Play runs in the page (the overlay draws, and holds this level)."""
        return self.overlay.live and not self._off_grid

    def sync(self) -> None:
        """State -> overlay, for what the kernel moves: the mode's pack, and a level off the
        grid (or the way back to it)."""
        st = self.widget.state
        if self._until_live:
            return
        with self.overlay.hold_sync():
            shape = self.widget.shape
            if (st.mode, shape) != (self._mode, self._shape):
                self.overlay.pack = diagram_pack(st.mode, self.widget.view.label, shape)
                self._mode, self._shape = st.mode, shape
            levels = self.overlay.pack["levels"]
            level = levels.index(st.conc_ng_ml) if st.conc_ng_ml in levels else -1
            if level < 0 or self._off_grid or self._count == 0:
                self._count += 1
                self.overlay.kernel_level = [self._count, level]
                if self._off_grid and level >= 0:   # back on the grid: the page takes over
                    self.overlay.pattern = PATTERN_ORDER.index(st.pattern)
                    self.overlay.impulse = st.impulse
            self._off_grid = level < 0

    def pack_when_live(self) -> None:
        """Send the pack only once the page draws the overlay (`live`), not in the page's
        first state message: for a diagram below the first screen (the timeline's), whose
        picture the kernel's layer shows until then. Call before the page is displayed."""
        self._until_live = True
        with self.overlay.hold_sync():
            self.overlay.pack = {}
            self.overlay.kernel_level = [0, 0]
        self._mode = self._shape = None
        self._count = 0

        def on_live(change) -> None:
            if change["new"] and self._until_live:
                self._until_live = False
                self.sync()

        self.overlay.observe(CallbackGuard(self.widget.error)(on_live), names="live")

    # page -> kernel: the layout that fits, Play's steps and its end
    def _on_shape(self, change) -> None:
        self.widget.set_shape(change["new"])
        self.sync()

    def _on_impulse(self, change) -> None:
        st = self.widget.state
        if PATTERN_ORDER[self.overlay.pattern] == st.pattern and st.impulse != change["new"]:
            st.impulse = change["new"]

    def _on_playing(self, change) -> None:
        c = strings.text("pain_signal", "controls")
        with syncing(self.widget):
            self.widget.play_button.description = c["pause"] if change["new"] else c["play"]

    def _on_reset(self, _button=None) -> None:
        with self.overlay.hold_sync():
            self.overlay.playing = False
            self.overlay.impulse = 0


class BrowserCursor:
    """The session view's time cursor drawn in the page (`overlay`), for a `TimelineWidget`."""

    def __init__(self, timeline):
        self.timeline = timeline
        self.overlay = CursorOverlay(words_to={"describer": timeline.session_view.describer})
        self._slider = None
        self._link = None
        self.sync()
        _insert_layer(timeline, timeline.session_view, self.overlay, timeline.cursor_layer)
        safe = CallbackGuard(timeline.error)
        timeline.state.observe(safe(lambda change: self.sync()),
                               names=["protocol", "weight_kg", "mode", "model",
                                      "personal_weight_kg"])
        self.overlay.observe(safe(self._on_shape), names="shape")

    def _on_shape(self, change) -> None:
        self.timeline.set_shape(change["new"])
        self.sync()

    def words_in_page(self, curve, t_min: float) -> bool:
        """Whether the page writes the session's words at `t_min` (issue 26): it draws, and
        the cursor stands at a position the pack holds (else the kernel's words are sent)."""
        tl = self.timeline
        return self.overlay.live and t_min in cursor_pack(
            curve, tl.state.mode, tl.shape, tl.clock_plan)["positions"]

    def sync(self) -> None:
        """State -> overlay when the session changes (a new pack, and where the cursor is on
        it), and a link to the time slider (a new one per time axis). A cursor move itself is
        the page's: the slider tells the overlay there, and the kernel writes nothing back."""
        tl = self.timeline
        st = tl.state
        curve = st.curve()
        pack = cursor_pack(curve, st.mode, tl.shape, tl.clock_plan)
        if pack.get("id") != self.overlay.pack.get("id"):
            with self.overlay.hold_sync():
                self.overlay.pack = pack
                self.overlay.cursor = pack["positions"].index(
                    int(curve.layout.clamp(st.cursor_min)))
        if tl.cursor is not self._slider:
            if self._link is not None:
                self._link.unlink()
            self._link = widgets.jsdlink((tl.cursor, "index"), (self.overlay, "cursor"))
            self._slider = tl.cursor
