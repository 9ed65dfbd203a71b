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
(`malloc_trim`, about 1.5 MB once a page is built).
"""

from __future__ import annotations

import ctypes
import sys

NEVER_IMPORTED = ("debugpy",)
"""Modules the kernel must not import; `import debugpy` raises ImportError, which ipykernel
takes as "no debugger"."""

KERNEL_OPTIONS = ("--HistoryManager.enabled=False",)


def _trim_heap(*_args) -> None:
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to hand back
        pass


def main(argv: list[str] | None = None) -> None:
    for name in NEVER_IMPORTED:
        sys.modules[name] = None  # type: ignore[assignment]
    from ipykernel.kernelapp import IPKernelApp

    args = list(sys.argv[1:] if argv is None else argv)
    app = IPKernelApp.instance()
    app.initialize([*KERNEL_OPTIONS, *args])
    app.shell.events.register("post_run_cell", _trim_heap)
    app.start()


if __name__ == "__main__":
    main()
