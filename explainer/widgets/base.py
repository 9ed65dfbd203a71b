"""`StateWidget`: the prologue every stateful widget shares, written once.

A state object (traits, validated: the only thing controls write to), an audience `mode` linked
to `state.mode` (and carried as the widget's mode class, `audience.mode_classes`), one
`CallbackGuard` with its message slot, and the `_syncing` flag that keeps copied values from
flowing back. A subclass names its state class and fills in four steps:

    class MyWidget(StateWidget):
        state_class = MyState
        def _build(self):        # make the controls and views; return the children
        def _wire(self, guard):  # controls -> state (links, or guarded observers)
        def _render(self):       # state -> views (called once at the end of __init__)

`watched` lists the state traits whose changes call `_render` (under the guard); `css_class`
is the class the whole widget carries.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets
import traitlets

from explainer.widgets.audience import PATIENT, Mode, mode_classes
from explainer.widgets.safety import CallbackGuard, error_message


class StateWidget(widgets.VBox):
    """A VBox with `state`, a linked `mode`, `guard` / `error` (the message slot) and
    `_syncing`. Set `state_class`, `watched` and `css_class`; override `_build`, `_wire` and
    `_render`."""

    mode = Mode(PATIENT)
    state_class: type[traitlets.HasTraits] = traitlets.HasTraits
    watched: Sequence[str] = ()
    css_class = ""

    def __init__(self, state: traitlets.HasTraits | None = None, mode: str | None = None,
                 **kwargs):
        self.state = state if state is not None else self.state_class()
        if mode is not None:
            self.state.mode = mode
        self.error = error_message()
        self.guard = CallbackGuard(self.error)
        self._syncing = False
        super().__init__(self._build(), **kwargs)
        if self.css_class:
            self.add_class(self.css_class)
        self.mode = self.state.mode
        mode_classes(self)  # its trainee-only parts are hidden in patient mode
        self._mode_link = traitlets.link((self, "mode"), (self.state, "mode"))
        self._wire(self.guard)
        self.state.observe(self.guard(self._on_state), names=list(self.watched))
        self._render()

    def _build(self) -> list[widgets.Widget]:
        """The widget's children (controls, figure views); every subclass provides this."""
        raise NotImplementedError(f"{type(self).__name__} must define _build()")

    def _wire(self, guard: CallbackGuard) -> None:
        """Connect the controls to the state (the default connects nothing)."""

    def _on_state(self, change) -> None:
        self._render()

    def _render(self) -> None:
        """Draw the state into the views; every subclass provides this."""
        raise NotImplementedError(f"{type(self).__name__} must define _render()")
