"""Keeping controls in step with a state object without feeding changes back.

When a view copies the state into its controls, the controls' own observers must not write
the (possibly rounded) values back to the state. Views set `_syncing` while they copy:

    with syncing(self):
        self.slider.value = state.level      # observers check `self._syncing` and return
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
