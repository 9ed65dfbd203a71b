"""The real server for tests and benchmarks: `Server` (a `ketamine-explainer serve` process on a
free port) and free ports.

Tests (through the fixtures in ``tests/conftest.py``) and benchmarks import this module; neither
imports the other.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "tests" / "artifacts"


def worker_log(name: str) -> str:
    """A log file name of this test worker's own (`server-gw1.log`), so the parallel workers of
    `make test` never write one file; the plain name (`server.log`) outside a parallel run."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"{name}-{worker}.log" if worker else f"{name}.log"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_consecutive_ports(count: int, avoid: tuple[int, ...] = ()) -> int:
    """The first of `count` consecutive loopback ports that are free now (and not in `avoid`):
    `deploy.multi --first-port P` uses P, P+1, ... (a free P alone once left P+1 taken)."""
    for _ in range(200):
        first = free_port()
        ports = range(first, first + count)
        if ports[-1] > 65535 or set(ports) & set(avoid):
            continue
        held = []
        try:
            for port in ports:
                s = socket.socket()
                held.append(s)
                s.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            for s in held:
                s.close()
        return first
    raise RuntimeError(f"no {count} consecutive free ports")


class PortTaken(RuntimeError):
    """The free port was taken between choosing it and the server binding it (parallel test
    workers start servers at the same time); `Server` tries another."""


class Server:
    """A running explainer server on a free port (another one if that port is taken before the
    server binds it); its log is kept for assertions."""

    def __init__(self, *extra: str, notebook_dir: Path | None = None, log_path: Path,
                 env: dict[str, str] | None = None):
        self.log_path = log_path
        for attempt in range(3):
            self.port = free_port()
            self.url = f"http://127.0.0.1:{self.port}"
            command = str(Path(sys.executable).parent / "ketamine-explainer")
            args = [command, "serve", "--port", str(self.port)]
            if notebook_dir is not None:
                args += ["--notebook-dir", str(notebook_dir)]
            self._log = open(log_path, "w")  # noqa: SIM115  (closed in stop)
            self.proc = subprocess.Popen(
                [*args, *extra], stdout=self._log, stderr=subprocess.STDOUT, cwd=REPO,
                env={**os.environ, **(env or {})},
            )
            try:
                self._wait_ready()
                return
            except PortTaken:
                self._log.close()
                if attempt == 2:
                    raise

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                log = self.log()
                if f"port {self.port} is already in use" in log:
                    raise PortTaken(log)
                raise RuntimeError(f"server exited early:\n{log}")
            try:
                urllib.request.urlopen(self.url + "/voila/static/", timeout=2)
                return
            except urllib.error.HTTPError:
                return  # it answered
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"server did not start:\n{self.log()}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def kernels(self) -> dict[str, int]:
        """Running kernels of this server: kernel id -> process id."""
        import psutil

        try:
            children = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return {}
        found = {}
        for child in children:
            try:
                cmd = " ".join(child.cmdline())
            except psutil.Error:
                continue
            match = re.search(r"kernel-([0-9a-f-]{36})\.json", cmd)
            if ("ipykernel" in cmd or "explainer.serving.kernel" in cmd) and match:
                found[match.group(1)] = child.pid
        return found

    def stop(self) -> None:
        stop_all([self])


def stop_all(servers: list[Server]) -> None:
    """Stop servers together: each is asked to end at once, then each is waited for (a server
    takes a few seconds to shut its kernels down; one after another, a test session's end waited
    for the sum)."""
    for srv in servers:
        if srv.proc.poll() is None:
            srv.proc.terminate()
    for srv in servers:
        try:
            srv.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            srv.proc.kill()
        srv._log.close()
