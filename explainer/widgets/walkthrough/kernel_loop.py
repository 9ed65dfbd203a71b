"""Running a callback on the kernel's main loop, from another thread.

    in_kernel_loop(func)    # func runs between the messages the kernel handles

Widgets are not thread-safe (the page's request for every widget's state iterates over all of
them), so work that a background thread decides on, such as following a deep link that
arrives after the page was built, is handed to the loop that handles the kernel's messages.
Where there is no kernel (tests, scripts) `func` runs at once.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["in_kernel_loop"]


def in_kernel_loop(func: Callable[[], object]) -> None:
    """Schedule `func` on the running kernel's main loop, or call it now if there is none."""
    try:
        from ipykernel.kernelapp import IPKernelApp

        loop = IPKernelApp.instance().kernel.io_loop if IPKernelApp.initialized() else None
    except Exception:  # noqa: BLE001  (no usable kernel: run here)
        loop = None
    if loop is None:
        func()
    else:
        loop.add_callback(func)
