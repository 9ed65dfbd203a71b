"""Run a coroutine to its end on an event loop of its own thread.

Playwright's sync API keeps an event loop running in the thread that uses it (a browser test's
worker, `benchmarks.arrival`), where `asyncio.run` refuses to start another.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run(coro)` in a thread of its own; its result, or the exception it raised."""
    out: list = []

    def go() -> None:
        try:
            out.append((True, asyncio.run(coro)))
        except BaseException as err:  # noqa: BLE001 - raised again in the caller's thread
            out.append((False, err))

    worker = threading.Thread(target=go)
    worker.start()
    worker.join()
    ok, value = out[0]
    if not ok:
        raise value
    return value
