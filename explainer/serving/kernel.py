"""The viewer's kernel: ipykernel without the parts a Voilà viewer can never use.

The server runs every page's kernel through this launcher (the `python3` kernelspec in
`explainer/serving/jupyter/kernels`, found first on the server's `JUPYTER_PATH`). A viewer can
only send widget and kernel-info messages (Voilà drops execute, complete and debug requests), so
the kernel leaves out:

- the debugger (`debugpy`, imported by ipykernel at start-up): about 8 MB resident and 1 s of
  start-up per kernel, measured with the load harness (benchmarks/load.py);
- IPython's command history (a SQLite file shared by every kernel on the machine, written on
  each start; a viewer's kernel has no history worth keeping, and nothing about a viewer is
  stored).

After each cell Voilà runs, the kernel hands freed heap pages back to the system
(`malloc_trim`, about 1.5 MB once a page is built), and again a few times in the following
half minute (`LATE_TRIMS_S`), after the work a page starts in the background once it is up: the
walkthrough imports the widgets of its steps 3 and 5 two seconds after it is shown, and the trim
after that hands back another 1.6 MB (measured with `benchmarks/load.py --only memory`). A trim
of a kernel's small heap takes well under a millisecond.

After each cell the kernel also saves what it rendered from Markdown for the next viewers'
kernels (`explainer.content.markdown.cache`), so that later kernels need not import markdown-it.

What a page imports is kept to what it needs (issue 14; `tests/test_kernel_diet.py`): the clinic
schema only with a clinic file, matplotlib only on a background-cache miss, numpy only once a
control runs a model (a first screen's model runs are stored: `explainer.figures.stored`).
docs/serving.md has the measured memory per page.
"""

from __future__ import annotations

import ctypes
import sys
import threading

NEVER_IMPORTED = ("debugpy",)
"""Modules the kernel must not import; `import debugpy` raises ImportError, which ipykernel
takes as "no debugger"."""

KERNEL_OPTIONS = ("--HistoryManager.enabled=False",)
LATE_TRIMS_S = (3.0, 10.0, 30.0)
"""Seconds after each cell at which the heap is trimmed again."""


def _trim_heap(*_args) -> None:
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to hand back
        pass


def _save_rendered_markdown() -> None:
    """Hand what this kernel rendered to the next viewers' kernels (`markdown_cache`)."""
    cache = sys.modules.get("explainer.content.markdown.cache")
    if cache is not None:
        cache.save()


def _after_cell(*_args) -> None:
    _save_rendered_markdown()
    _trim_now_and_later()


def _trim_now_and_later(*_args) -> None:
    _trim_heap()
    for delay in LATE_TRIMS_S:
        later = threading.Timer(delay, _trim_heap)
        later.daemon = True
        later.start()


def main(argv: list[str] | None = None) -> None:
    for name in NEVER_IMPORTED:
        sys.modules[name] = None  # type: ignore[assignment]
    from ipykernel.kernelapp import IPKernelApp

    args = list(sys.argv[1:] if argv is None else argv)
    app = IPKernelApp.instance()
    app.initialize([*KERNEL_OPTIONS, *args])
    app.shell.events.register("post_run_cell", _after_cell)
    app.start()


if __name__ == "__main__":
    main()
