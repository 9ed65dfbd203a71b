"""`Deferred`: a part of the page built when the viewer comes near it, not on arrival.

A page's kernel builds only what its first screen shows (issue 26); a part further down, such
as the NMDA diagram under the timeline, stands in the page as a button and an empty `Nearby`
mark until then. The part is built, once, by whichever comes first:

  - the page says the mark is within half a screen of the view (scrolling, or tabbing, down);
  - a person presses the button (a keyboard, or a page whose browser module did not load);
  - the kernel calls `build()` (a test, a notebook, a handout that needs the part itself).

    section = Deferred(lambda: PainSignalWidget(state=shared_state), "Show the picture")
    section.build()       # the part (built now if it was not); later calls return the same

A failure while building shows the friendly message in the section's own slot and is logged on
the server (`CallbackGuard`); the button stays, so a person can try again.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets

from explainer.widgets.browser.nearby import Nearby
from explainer.widgets.safety import CallbackGuard, error_message


class Deferred(widgets.VBox):
    """Holds `button` and `mark` (a `Nearby`) until the part is built, then the part alone.

    Named parts: button, mark, error (the message slot), part (None until built)."""

    def __init__(self, make: Callable[[], widgets.Widget], button_label: str, **kwargs):
        self._make = make
        self.part: widgets.Widget | None = None
        self.error = error_message()
        guard = CallbackGuard(self.error)
        self.button = widgets.Button(description=button_label)
        self.button.add_class("kx-deferred-show")
        self.button.on_click(guard(lambda _button: self.build()))
        self.mark = Nearby()
        self.mark.observe(guard(lambda change: self.build() if change["new"] else None),
                          names="near")
        super().__init__([self.button, self.mark, self.error], **kwargs)
        self.add_class("kx-deferred")

    def build(self) -> widgets.Widget:
        """The part: built now, in place of the button and the mark, unless it already is."""
        if self.part is None:
            self.part = self._make()
            self.children = (self.part,)
            for stand_in in (self.button, self.mark, self.error):
                stand_in.close()
        return self.part
