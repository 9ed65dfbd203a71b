"""Commands run side by side, each waited for on its own: the harnesses' quick runs (the smoke
tests of `make bench` and `make load`).

    runs = SideBySide(folder)
    runs.start("load", [sys.executable, "-m", "benchmarks.load", "--quick"])
    runs.start("budget", [sys.executable, "-m", "benchmarks.load", "--budget", "--quick"])
    done = runs.wait("load")          # (returncode, stdout, stderr); the others keep running
    runs.stop()                       # kills what is still running

A quick run asserts no timings and spends most of its time waiting for pages, so runs that each
start their own server, browser and log take about the longest one's time side by side instead
of the sum. Their output goes to files in `folder` (a pipe nobody reads could fill and stall a
run).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from harness.server import REPO


class SideBySide:
    def __init__(self, folder: Path):
        self.folder = folder
        self._runs: dict[str, tuple[subprocess.Popen, Path, Path]] = {}

    def start(self, name: str, command: list[str]) -> None:
        out, err = self.folder / f"{name}.out", self.folder / f"{name}.err"
        with open(out, "w") as stdout, open(err, "w") as stderr:
            proc = subprocess.Popen(command, cwd=REPO, stdout=stdout, stderr=stderr, text=True)
        self._runs[name] = (proc, out, err)

    def wait(self, name: str, timeout: float = 900) -> tuple[int, str, str]:
        proc, out, err = self._runs[name]
        proc.wait(timeout=timeout)
        return (proc.returncode, out.read_text(encoding="utf-8", errors="replace"),
                err.read_text(encoding="utf-8", errors="replace"))

    def stop(self) -> None:
        for proc, _out, _err in self._runs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
