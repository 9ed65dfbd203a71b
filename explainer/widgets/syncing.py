"""Keeping controls in step with a state object without feeding changes back.

When a view copies the state into its controls, the controls' own observers must not write
the (possibly rounded) values back to the state. Views set `_syncing` while they copy:

    with syncing(self):
        self.slider.value = state.level      # observers check `self._syncing` and return

And when the page has already shown a value itself (words it drew from a pack, issue 26), the
kernel records it without sending it back, so the page's text changes once:

    already_shown(view.describer, "value", html)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def syncing(view) -> Iterator[None]:
    """Set `view._syncing` for the duration of the block (nesting keeps the outer value)."""
    outer = getattr(view, "_syncing", False)
    view._syncing = True
    try:
        yield
    finally:
        view._syncing = outer


def already_shown(widget, name: str, value) -> None:
    """Set `widget.<name>` to `value`, which the page already shows (the page set it in its own
    copy of the model), without a message to the page: a value the kernel sent later would
    replace newer text there (a fast drag's stale words) or re-render a live region with the
    same words. Uses ipywidgets' own lock for values that came from the page (a JSON value:
    text, a number, a list)."""
    if getattr(widget, name) == value:
        return
    with widget._lock_property(**{name: value}):
        setattr(widget, name, value)
