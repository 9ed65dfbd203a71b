"""The kernels' parent: one process that has imported what every page needs, and forks a
viewer's kernel from itself instead of starting a new Python each time (issue 26).

A kernel started the usual way is a new interpreter: it imports ipykernel, IPython, ipywidgets
and the page's modules before it can build the page, about 0.3-0.5 s of CPU per arrival
(`python -m benchmarks.arrival`). On a small server, twenty people arriving together are bound
by that CPU. This process imports all of it once; each kernel is a `fork()` of it that starts at
`explainer.serving.kernel.main`, with its own connection file, sockets, environment, working
folder and session, so it shares the imported code's memory pages with its siblings (copy on
write) and starts in a fraction of the time.

The server starts this process (`explainer.serving.provisioner`) and talks to it over its
standard input and output, one JSON line each way:

    {"argv": ["-f", "/…/kernel-….json"], "cwd": "/…/notebooks", "env": {…}}  ->  {"pid": 4242}

What the parent must never hold, because every kernel would inherit it: a thread, a zmq context,
an event loop, a kernel, a clinic file's contents, anything about a viewer. `held` checks the
first three (and that numpy, matplotlib and the clinic file stayed out); if any is there, the
parent refuses to serve (exit status 3) and the server starts kernels the usual way. The parent
reads nothing but its requests and writes nothing but its answers; it reaps its exited children
so that none is left a zombie.

Because kernels start from the modules the parent imported when the server started, a change
to the explainer's code reaches viewers when the server is restarted (as the server's own code
does), not with the next kernel. (Word files are still read by each kernel. Parsing them once
in the parent was tried: it saved 3.8 MB of unique memory per timeline kernel but added 7 MB
to every kernel's resident figure and made bursts no faster, in three alternating runs.)

What forking changes, and why it is acceptable here: every kernel shares the parent's hash
seed and memory layout (address-space randomisation is per fork server, not per kernel). A
viewer cannot run code in a kernel (Voilà drops execute requests, explainer.serving.websocket),
and `random` is reseeded in each child by Python itself.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import sys
import threading

import setproctitle

PRELOAD = (
    "ipykernel.kernelapp",
    "ipywidgets",
    "explainer.pages",
    "explainer.widgets.walkthrough",
    "explainer.widgets.pain_signal",
    "explainer.widgets.timeline",
)
"""What every kernel would otherwise import for itself: the kernel, the widgets and the pages'
modules (none imports numpy, matplotlib or a clinic file: `tests/test_kernel_diet.py`)."""

NOT_READY = 3
"""Exit status when the parent holds something a kernel must not inherit."""


def preload(modules: tuple[str, ...] = PRELOAD) -> None:
    """Import `modules`, with the kernel's own left-out modules refused first."""
    from explainer.serving import kernel

    kernel.leave_out()
    for name in modules:
        __import__(name)


def held() -> list[str]:
    """What this process holds that no kernel may inherit: empty when it is safe to fork."""
    problems = []
    if threading.active_count() != 1:
        problems.append(f"{threading.active_count()} threads")
    zmq = sys.modules.get("zmq")
    if zmq is not None and getattr(zmq.Context, "_instance", None) is not None:
        problems.append("a zmq context")
    asyncio = sys.modules.get("asyncio")
    if asyncio is not None and asyncio.events._get_running_loop() is not None:
        problems.append("a running event loop")
    for name in ("numpy", "matplotlib", "explainer.content.clinic.config"):
        if name in sys.modules:
            problems.append(f"the module {name}")
    return problems


def _reap(*_args) -> None:
    """Collect every exited child, so none stays a zombie."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _become_kernel(request: dict) -> None:
    """In the child: a session of its own, the request's environment, folder and arguments,
    then the kernel. Never returns."""
    status = 1
    try:
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the parent's handlers are not the
        signal.signal(signal.SIGINT, signal.default_int_handler)  # kernel's (interrupts work)
        # In `ps` (and to the tests' and benchmarks' harness) it is a kernel with its connection
        # file, not a second fork server. (Before the environment changes: setproctitle finds
        # the memory it rewrites through it.)
        setproctitle.setproctitle(" ".join(
            [sys.executable, "-m", "explainer.serving.kernel", *request["argv"]]))
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)    # the parent's requests are not the kernel's input
        os.dup2(2, 1)          # nor its answers the kernel's output: both go to the log
        os.close(devnull)
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        sys.path.insert(0, os.getcwd())  # as `python -m` does for a kernel started in it
        # ipykernel read $JPY_PARENT_PID when the parent imported it: say it again. The kernel
        # ends if this process does (and this process ends with the server).
        argv = [*request["argv"], f"--IPKernelApp.parent_handle={os.getppid()}"]
        sys.argv = [sys.argv[0], *argv]
        from explainer.serving import kernel

        kernel.main(argv)
        status = 0
    except SystemExit as end:
        status = end.code if isinstance(end.code, int) else 1
    except BaseException:  # noqa: BLE001 - reported on the server's log, never to a viewer
        import traceback

        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(status)


def _valid(request: object) -> dict:
    if not isinstance(request, dict):
        raise ValueError("not an object")
    argv, cwd, env = request.get("argv"), request.get("cwd"), request.get("env")
    if not (isinstance(argv, list) and all(isinstance(a, str) for a in argv)):
        raise ValueError("argv")
    if not isinstance(cwd, str) or not os.path.isdir(cwd):
        raise ValueError("cwd")
    if not (isinstance(env, dict) and all(isinstance(k, str) and isinstance(v, str)
                                          for k, v in env.items())):
        raise ValueError("env")
    return request


def serve() -> int:
    """Answer fork requests until the server closes our input."""
    inbox, outbox = sys.stdin.buffer, sys.stdout.buffer
    signal.signal(signal.SIGCHLD, _reap)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server's Ctrl-C is the server's to handle
    while True:
        line = inbox.readline()
        if not line:
            return 0
        try:
            request = _valid(json.loads(line))
        except ValueError as err:  # json.JSONDecodeError included
            answer = {"error": f"bad request: {err}"}
        else:
            try:
                pid = os.fork()
            except OSError as err:  # no memory or processes left: the server spawns or fails
                answer = {"error": f"fork: {err.strerror}"}
            else:
                if pid == 0:
                    _become_kernel(request)
                answer = {"pid": pid}
        outbox.write(json.dumps(answer).encode() + b"\n")
        outbox.flush()


def main() -> int:
    preload()
    problems = held()
    if problems:
        print("fork server: not forking kernels, the parent holds " + ", ".join(problems),
              file=sys.stderr, flush=True)
        return NOT_READY
    gc.collect()
    gc.freeze()  # the kernels' collector never touches (and so never copies) the shared objects
    sys.stdout.buffer.write(b'{"ready": true}\n')
    sys.stdout.buffer.flush()
    return serve()


if __name__ == "__main__":
    sys.exit(main())
