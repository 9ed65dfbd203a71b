"""`Pace`: an action a viewer can start at most once every few seconds (the handout's PDF).

A click (or a forged click message) on a button whose work is expensive could otherwise be
repeated in a loop: 600 handouts in 30 s slowed every other viewer's round trip from 6.5 to
109 ms (issue 20). A click inside the interval is not lost: its caller waits `remaining()` and
then asks again (the handout does, for one click at most), so a loop of clicks still builds one
PDF every few seconds at most.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class Pace:
    """`ready()` is True at most once every `seconds`."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic):
        self.seconds, self.clock = seconds, clock
        self._last: float | None = None

    def ready(self) -> bool:
        now = self.clock()
        if self._last is not None and now - self._last < self.seconds:
            return False
        self._last = now
        return True

    def remaining(self) -> float:
        """Seconds until `ready()` is True again (0 when it is now)."""
        if self._last is None:
            return 0.0
        return max(0.0, self.seconds - (self.clock() - self._last))
