"""Viewers' kernels forked from one parent that has imported what pages need (issue 26).

The `python3` kernelspec in `explainer/serving/jupyter/kernels` names this provisioner
(`kx-forked`, registered in pyproject.toml). For the viewer's kernel (`python -m
explainer.serving.kernel …`) it asks the server's fork server (`explainer.serving.forkserver`)
for a child instead of starting a new interpreter; for any other command, or when the fork
server cannot be started or does not answer, it starts the kernel the usual way
(jupyter_client's `LocalProvisioner`, which it extends). Everything else (ports, connection
file, signals to the kernel's process group, cleanup) is the `LocalProvisioner`'s.

`ketamine-explainer serve --spawn-kernels` turns forking off (`ForkedProvisioner.fork`, set by
explainer.serving.config). docs/serving.md, "Kernels forked from one parent", has the
measurements.
"""

from __future__ import annotations

import asyncio
import json
import os
import select
import signal
import sys
from pathlib import Path
from typing import Any

from jupyter_client.provisioning import LocalProvisioner
from traitlets import Bool

KERNEL_MODULE = "explainer.serving.kernel"
ANSWER_TIMEOUT_S = 20.0
"""How long a fork request may take (the first one waits for the parent's imports)."""


def kernel_arguments(cmd: list[str]) -> list[str] | None:
    """The viewer's kernel's arguments, if `cmd` starts it (`python -m explainer.serving.kernel
    ARGS`), else None."""
    if len(cmd) >= 3 and cmd[1:3] == ["-m", KERNEL_MODULE]:
        return list(cmd[3:])
    return None


class ForkedProcess:
    """A forked kernel, as `LocalProvisioner` uses a `Popen`: it is the fork server's child,
    not the server's, so it is watched through a pidfd (which cannot name a recycled process
    id) and its exit status is not known here (reported as 0 once it has ended)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        try:
            self._fd: int | None = os.pidfd_open(pid)
        except ProcessLookupError:
            self._fd, self.returncode = None, 0

    def wait(self, timeout: float | None = None) -> int | None:
        """The exit status once ended (0), or None if still running after `timeout` seconds
        (None: until it ends)."""
        if self._fd is not None and select.select([self._fd], [], [], timeout)[0]:
            os.close(self._fd)
            self._fd, self.returncode = None, 0
        return self.returncode

    def poll(self) -> int | None:
        return self.wait(0)

    def send_signal(self, signum: int) -> None:
        if self._fd is None:
            raise ProcessLookupError(self.pid)
        signal.pidfd_send_signal(self._fd, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def __del__(self):
        if getattr(self, "_fd", None) is not None:
            os.close(self._fd)


class ForkServer:
    """The server's one fork server: started on first use, asked for one child at a time."""

    command: tuple[str, ...] = (sys.executable, "-P", "-m", "explainer.serving.forkserver")
    """`-P`: the server's working folder is not put on the parent's import path (the kernels'
    imports come from where the server's do; each kernel puts its own folder first)."""

    def __init__(self) -> None:
        self._proc: asyncio.subprocess.Process | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock: asyncio.Lock | None = None
        self.failed = False
        """Set once the fork server could not start: kernels are then started the usual way."""

    async def _started(self) -> asyncio.subprocess.Process | None:
        if self._proc is not None and self._proc.returncode is None:
            return self._proc
        self._proc = await asyncio.create_subprocess_exec(
            *self.command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
        ready = await self._answer()
        if ready != {"ready": True}:
            await self.stop()
            self.failed = True
            return None
        return self._proc

    async def _answer(self) -> dict | None:
        assert self._proc is not None and self._proc.stdout is not None
        try:
            line = await asyncio.wait_for(self._proc.stdout.readline(), ANSWER_TIMEOUT_S)
            answer = json.loads(line) if line else None
        except (TimeoutError, ValueError):
            answer = None
        return answer if isinstance(answer, dict) else None

    async def fork(self, argv: list[str], cwd: str, env: dict[str, str]) -> int | None:
        """A new kernel's process id, or None (the caller starts the kernel itself)."""
        if self.failed:
            return None
        loop = asyncio.get_running_loop()
        if self._loop is not loop or self._lock is None:  # a new event loop (tests): anew
            self._loop, self._lock, self._proc = loop, asyncio.Lock(), None
        async with self._lock:
            proc = await self._started()
            if proc is None or proc.stdin is None:
                return None
            request = {"argv": argv, "cwd": cwd, "env": env}
            try:
                proc.stdin.write(json.dumps(request).encode() + b"\n")
                await proc.stdin.drain()
            except (BrokenPipeError, ConnectionResetError):
                await self.stop()
                return None
            answer = await self._answer()
            if answer is not None and "error" in answer:
                return None  # it could not fork this one (say, no memory left); it is sound
            if not answer or not isinstance(answer.get("pid"), int):
                await self.stop()  # one that does not answer is replaced at the next request
                return None
            return answer["pid"]

    async def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.returncode is not None:
            return
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            await asyncio.wait_for(proc.wait(), 5)
        except TimeoutError:
            proc.kill()
            await proc.wait()


FORK_SERVER = ForkServer()


class ForkedProvisioner(LocalProvisioner):
    """`LocalProvisioner`, with the viewer's kernel forked by `FORK_SERVER`."""

    fork = Bool(True, help="Fork viewers' kernels from the fork server (False: start each "
                           "as a new process, as Voilà does)").tag(config=True)

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        args = kernel_arguments(cmd)
        if args is None or not self.fork or not hasattr(os, "pidfd_open"):
            return await super().launch_kernel(cmd, **kwargs)
        cwd = str(kwargs.get("cwd") or Path.cwd())
        env = {str(k): str(v) for k, v in (kwargs.get("env") or os.environ).items()}
        pid = await FORK_SERVER.fork(args, cwd, env)
        if pid is None:
            self.log.warning("fork server unavailable: starting the kernel as a new process")
            return await super().launch_kernel(cmd, **kwargs)
        try:
            self.process = ForkedProcess(pid)  # type: ignore[assignment]
        except OSError:  # no pidfds on this system (Linux before 5.3): spawn from now on
            os.kill(pid, signal.SIGKILL)
            FORK_SERVER.failed = True
            self.log.warning("cannot watch a forked kernel here: starting kernels as new "
                             "processes")
            return await super().launch_kernel(cmd, **kwargs)
        self.pid, self.pgid, self.cwd = pid, pid, cwd  # its own session: os.setsid()
        return self.connection_info
