"""The viewer's kernel: ipykernel without the parts a Voilà viewer can never use.

The server runs every page's kernel through this launcher (the `python3` kernelspec in
`explainer/serving/jupyter/kernels`, found first on the server's `JUPYTER_PATH`). A viewer can
only send widget and kernel-info messages (Voilà drops execute, complete and debug requests), so
the kernel leaves out:

- the debugger (`debugpy`, imported by ipykernel at start-up): about 8 MB resident and 1 s of
  start-up per kernel, measured with the load harness (benchmarks/load.py);
- `rfc3987_syntax`, an optional format checker that `jsonschema` imports if it is installed
  (Jupyter's own packages install it): it builds a grammar at import, about 1.4 s of every
  study page's kernel (the self-check validates its questions with jsonschema). No schema
  here uses the format it checks ("iri"; `tests/test_kernel_diet.py`);
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

NEVER_IMPORTED = ("debugpy", "rfc3987_syntax")
"""Modules the kernel must not import; importing one raises ImportError, which ipykernel takes
as "no debugger" and jsonschema as "no checker for that format"."""

KERNEL_OPTIONS = ("--HistoryManager.enabled=False",)
LATE_TRIMS_S = (3.0, 10.0, 30.0)
"""Seconds after each cell at which the heap is trimmed again."""


def leave_out() -> None:
    """Make importing any of `NEVER_IMPORTED` raise ImportError in this process. The kernel
    calls it first; so does the server (`explainer.serving.cli`), where `rfc3987_syntax` was
    about 2 s of every start (Jupyter's event schemas check only the "uri" and "date-time"
    formats, `tests/test_kernel_diet.py`)."""
    for name in NEVER_IMPORTED:
        sys.modules[name] = None  # type: ignore[assignment]


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
    leave_out()
    from ipykernel.kernelapp import IPKernelApp

    args = list(sys.argv[1:] if argv is None else argv)
    app = IPKernelApp.instance()
    app.initialize([*KERNEL_OPTIONS, *args])
    widgets = sys.modules.get("ipywidgets")
    if widgets is not None:  # imported before there was a kernel (explainer.serving.forkserver),
        widgets.register_comm_target()  # it could not register its comm targets then
    app.shell.events.register("post_run_cell", _after_cell)
    app.start()


if __name__ == "__main__":
    main()
