"""Many viewers at once: a load harness that speaks the real Jupyter protocol (`make load`).

Against a bare Voilà page in the same run (an empty notebook for page start-up, a slider that
only sets a label for a control round trip), on one `ketamine-explainer serve` process:

- bursts: N viewers arrive together (10, 20, 50); seconds until every page is ready;
- latency: N viewers (10, 25, 50, 100) each move a control every few seconds, at a person's
  pace; milliseconds from the move to the figure's update, p50 / p95 / p99;
- memory: one live kernel per page, and the server's own resident memory;
- CPU: cores used by the server and its kernels during each phase;
- soak: many open-and-close cycles; the kernel count returns to its baseline and the server's
  memory stays within 10 % of its start;
- errors: pages, sockets or updates that failed or timed out, in every phase.

A viewer is `benchmarks.protocol.Viewer` (page, kernel websocket with the v1 subprotocol, the
widget comm messages a browser sends). Every phase is bounded in count and time, and traffic
goes only to 127.0.0.1. Prints a table and writes benchmarks/results/load.json.

    python -m benchmarks.load                 # the full run (several minutes)
    python -m benchmarks.load --quick         # a tiny run proving it works (the test suite)
    python -m benchmarks.load --only bursts   # one part
    python -m benchmarks.load --budget        # issue 14's two goals, 3 repetitions (< 10 min)
    python -m benchmarks.load --budget --quick  # the same, tiny (the test suite)

`--budget` measures what issue 14 asks of every page, three times over, on a quiet machine:
each page's live kernel memory (goal: at most `KERNEL_MB_GOAL`) and a burst of 20 arrivals on
each page against the empty notebook's burst in the same repetition (goal: within
`BURST_RATIO_GOAL`), printing the median and range of the three. It serves the pages the way the
server does by default (kernels forked from a parent that has imported what pages need,
explainer.serving.forkserver), so the empty notebook's kernels are forked too; a second server
with `--spawn-kernels` (each kernel a new Python process, as Voilà starts them) gives the bare
baseline: the empty notebook's burst there, in the same repetition, and each page's ratio to it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import psutil

from benchmarks.pages import notebook_dir
from benchmarks.protocol import Control, Viewer, ViewerError
from explainer.figures.scene import CACHE_ENV_VAR
from harness.server import REPO, Server, stop_all

RESULTS = REPO / "benchmarks" / "results"
EMPTY = "bench-empty.ipynb"
BARE = f"{EMPTY}, spawned"
"""The empty notebook's burst on a server that starts each kernel as a new process (Voilà's
way; `ketamine-explainer serve --spawn-kernels`): the bare baseline."""
PAGES = ["start.ipynb", "walkthrough.ipynb", "pain-signal.ipynb", "treatment-timeline.ipynb",
         "about.ipynb"]
LABEL = Control("bench-label.ipynb", "kx-bench-label-slider", "kx-bench-result", "value")
CONTROLS = {
    "label": LABEL,
    "timeline": Control("treatment-timeline.ipynb", "kx-cursor-slider", "kx-figure-cursor",
                        "index"),
    "pain-signal": Control("pain-signal.ipynb", "kx-level-slider", "kx-figure-overlay", "index"),
}
"""What each latency viewer moves: the bare label slider (the floor), the timeline's time cursor,
the pain-signal diagram's ketamine level (the trainee view's slider)."""
KERNEL_MB_GOAL = 60.0
"""Issue 26: a live page's kernel at most this many MB resident (issue 14 asked under 65)."""
BURST_RATIO_GOAL = 1.2
"""Issue 14: a burst of 20 arrivals on any page within this multiple of the empty notebook's."""


@dataclass
class Plan:
    """How much load to apply; every number bounds the run."""

    burst_sizes: tuple[int, ...] = (10, 20, 50)
    burst_pages: tuple[str, ...] = ("walkthrough.ipynb",)
    """Pages measured at every burst size (the empty notebook always is)."""
    burst20_pages: tuple[str, ...] = tuple(PAGES)
    """Pages measured at a burst of 20 (the budget: within 1.2x the empty notebook's)."""
    viewer_counts: tuple[int, ...] = (10, 25, 50, 100)
    latency_controls: tuple[str, ...] = ("label", "timeline")
    duration_s: float = 20.0
    """How long each latency level runs once its viewers are in."""
    pace_s: float = 3.0
    """A viewer moves its control every pace_s × (0.5–1.5) seconds."""
    hostile_runs: tuple[tuple[str, int, int], ...] = (("timeline", 25, 2),)
    """(control, viewers, hostile clients): latency with attackers among the viewers, to
    compare with the same level without them."""
    attack_runs: tuple[str, ...] = ("none", "flood", "idle_sockets", "non_reading", "widgets",
                                    "slow_headers")
    """Issue 20's attacks (`benchmarks.hostile.ATTACKS`), one at a time, each beside honest
    viewers moving the timeline while a probe viewer opens the start page every 2 s ("none":
    the same without an attacker, in the same run)."""
    attack_viewers: int = 5
    arrival_concurrency: int = 4
    """Latency viewers arrive this many at a time (a stream of arrivals, not a burst)."""
    soak_cycles: int = 200
    soak_page: str = "start.ipynb"
    soak_concurrency: int = 4
    memory_pages: tuple[str, ...] = (EMPTY, LABEL.page, *PAGES)
    memory_settle_s: float = 4.0
    """Wait before reading a live kernel's memory (the walkthrough prefetches after 2 s)."""
    timeout_s: float = 180.0
    parts: tuple[str, ...] = ("memory", "bursts", "latency", "soak", "attacks")
    bare_baseline: bool = False
    """Also burst the empty notebook on a second server with spawned kernels (`BARE`)."""
    settle_after_burst: bool = False
    """Wait for the server and its kernels to go quiet after each burst (set with preheated
    pools, which refill after a burst: the next burst should not compete with the refill)."""
    repetitions: int = 1
    """How many times the memory and burst parts run (each repetition measures every page,
    so a change in the machine's load between repetitions touches every page alike)."""


QUICK = Plan(burst_sizes=(2,), burst_pages=(), burst20_pages=("start.ipynb",),
             viewer_counts=(2,), latency_controls=("label", "timeline"), duration_s=3.0,
             hostile_runs=(("timeline", 2, 1),), attack_runs=("none", "widgets"),
             attack_viewers=2,
             pace_s=1.0, soak_cycles=4, soak_concurrency=2, memory_pages=(EMPTY,),
             memory_settle_s=0.5, timeout_s=120.0)
"""A run of under a minute that exercises every part (`make test` runs it once)."""

BUDGET = Plan(parts=("memory", "bursts"), burst_sizes=(20,), burst_pages=(),
              burst20_pages=tuple(PAGES), memory_pages=(EMPTY, *PAGES), repetitions=3,
              bare_baseline=True)
"""Issue 14's goals, three times: every page's kernel memory and a burst of 20 on every page
against the empty notebook's (about 8 minutes on a quiet 2-core machine, estimated)."""
QUICK_BUDGET = Plan(parts=("memory", "bursts"), burst_sizes=(2,), burst_pages=(),
                    burst20_pages=("start.ipynb",), memory_pages=(EMPTY, "start.ipynb"),
                    repetitions=2, memory_settle_s=0.5, timeout_s=120.0, bare_baseline=True)
"""The budget run in miniature, proving it works (the test suite)."""


# --- the server and what it uses ---------------------------------------------------------------


class Monitor:
    """Samples the server process and its kernels every 0.25 s in a thread."""

    def __init__(self, server: Server):
        self.server = server
        self.proc = psutil.Process(server.proc.pid)
        self._cpu: dict[int, float] = {}
        self._samples: list[dict] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _procs(self) -> list[psutil.Process]:
        try:
            return [self.proc, *self.proc.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def _run(self) -> None:
        last = time.perf_counter()
        while not self._stop.wait(0.25):
            now = time.perf_counter()
            used, kernels, server_rss = 0.0, [], 0.0
            for p in self._procs():
                try:
                    t = p.cpu_times()
                    total = t.user + t.system
                    rss = p.memory_info().rss / 2**20
                except psutil.Error:
                    continue
                used += total - self._cpu.get(p.pid, total)
                self._cpu[p.pid] = total
                if p.pid == self.proc.pid:
                    server_rss = rss
                else:
                    kernels.append(rss)
            with self._lock:
                self._samples.append({"t": now, "cores": used / (now - last),
                                      "server_mb": server_rss, "kernels": len(kernels),
                                      "kernels_mb": sum(kernels)})
            last = now

    def mark(self) -> int:
        with self._lock:
            return len(self._samples)

    def summary(self, since: int) -> dict:
        with self._lock:
            s = self._samples[since:]
        if not s:
            return {}
        cores = [x["cores"] for x in s]
        return {"cpu_cores_mean": round(statistics.fmean(cores), 2),
                "cpu_cores_peak": round(max(cores), 2),
                "server_rss_mb_peak": round(max(x["server_mb"] for x in s), 1),
                "kernels_peak": max(x["kernels"] for x in s),
                "kernels_rss_mb_peak": round(max(x["kernels_mb"] for x in s), 1)}

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def server_rss_mb(server: Server) -> float:
    return round(psutil.Process(server.proc.pid).memory_info().rss / 2**20, 1)


def kernel_memory_mb(server: Server, kernel_id: str) -> tuple[float | None, float | None]:
    """(resident, unique) MB of a kernel: unique leaves out the shared libraries' pages that
    every kernel maps once for all, so it is what one more viewer really costs."""
    pid = server.kernels().get(kernel_id)
    if pid is None:
        return None, None
    info = psutil.Process(pid).memory_full_info()
    return round(info.rss / 2**20, 1), round(info.uss / 2**20, 1)


async def wait_for_kernels(server: Server, count: int, limit_s: float = 60.0) -> int:
    """Wait (bounded) until the server runs `count` kernels or fewer; the number left."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        n = len(server.kernels())
        if n <= count:
            return n
        await asyncio.sleep(0.5)
    return len(server.kernels())


async def settle(server: Server, below_cores: float = 0.15, limit_s: float = 300.0,
                 quiet_s: int = 3) -> float:
    """Wait (bounded) until the server and its kernels have used less than `below_cores` in
    each of `quiet_s` consecutive seconds (a preheated pool refilling is busy; Voilà starts
    the refill a second after a kernel is taken); the seconds waited, quiet ones included."""
    started = time.monotonic()
    quiet = 0

    seen: dict[int, float] = {}

    def used() -> float:
        """CPU seconds used since the last call by the server and its kernels (a kernel that
        started meanwhile counts whole; one that ended counts nothing more)."""
        total = 0.0
        try:
            procs = [psutil.Process(server.proc.pid)]
            procs += procs[0].children(recursive=True)
        except psutil.NoSuchProcess:
            return 0.0
        for p in procs:
            try:
                t = p.cpu_times()
            except psutil.Error:
                continue
            now = t.user + t.system
            total += now - seen.get(p.pid, 0.0)
            seen[p.pid] = now
        return total

    used()
    while time.monotonic() - started < limit_s and quiet < quiet_s:
        await asyncio.sleep(1.0)
        quiet = quiet + 1 if used() < below_cores else 0
    return round(time.monotonic() - started, 1)


async def refilled(server: Server, count: int, limit_s: float = 900.0) -> float:
    """Wait (bounded) until the server runs `count` kernels again (preheated pools refill
    after their delay) and then goes quiet; the seconds waited."""
    started = time.monotonic()
    while len(server.kernels()) < count and time.monotonic() - started < limit_s:
        await asyncio.sleep(1.0)
    return round(time.monotonic() - started + await settle(server), 1)


CAP_ARGS: list[str] = ["--max-kernels", "400", "--trusted-proxy", "127.0.0.1"]
"""The load server's caps: its global cap raised past every phase's viewers (the harness
measures capacity; the default cap would refuse the 50- and 100-viewer levels), and loopback
trusted as a proxy so an attacker's `X-Forwarded-For` makes it a remote client under the
per-client cap (the honest viewers are loopback: only the global cap counts them).
`--against` (a checkout before issue 20) empties it."""


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    i = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return round(ordered[i], 1)


# --- the phases ---------------------------------------------------------------------------------


@dataclass
class Errors:
    """What failed, by kind (no tracebacks: a message each)."""

    by_kind: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)

    def add(self, kind: str, err: BaseException) -> None:
        self.by_kind[kind] = self.by_kind.get(kind, 0) + 1
        if len(self.examples) < 10:
            self.examples.append(f"{kind}: {type(err).__name__}: {err}"[:200])

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


async def _open(viewer: Viewer, page: str, query: str, errors: Errors) -> float | None:
    try:
        return await viewer.open(page, query)
    except (ViewerError, OSError, TimeoutError, KeyError, ValueError,
            aiohttp.ClientError) as err:  # a cut-short page (ClientPayloadError) included
        errors.add("open", err)
        return None


async def burst(url: str, server: Server, monitor: Monitor, page: str, n: int,
                plan: Plan) -> dict:
    """`n` viewers request `page` at the same moment; when is each page ready?"""
    base = len(server.kernels())
    errors = Errors()
    mark = monitor.mark()
    viewers = [Viewer(url, plan.timeout_s) for _ in range(n)]
    times = await asyncio.gather(*(_open(v, page, "", errors) for v in viewers))
    ready = [t for t in times if t is not None]
    usage = monitor.summary(mark)
    await asyncio.gather(*(v.close() for v in viewers))
    left = await wait_for_kernels(server, base)
    refill_s = await refilled(server, base) if plan.settle_after_burst else None
    return {"page": page, "viewers": n, "all_ready_s": round(max(ready), 2) if ready else None,
            "refill_s": refill_s,
            "states_via": sorted({v.states_via for v in viewers if v.states_via}),
            "median_ready_s": round(statistics.median(ready), 2) if ready else None,
            "ready": len(ready), "errors": errors.total, "error_kinds": errors.by_kind,
            "error_examples": errors.examples, "kernels_left": left - base, **usage}


async def memory(url: str, server: Server, page: str, plan: Plan) -> dict:
    """One viewer on `page`: its kernel's resident memory once the page is live."""
    errors = Errors()
    base = len(server.kernels())  # 0, or a preheated pool's kernels
    viewer = Viewer(url, plan.timeout_s)
    ready = await _open(viewer, page, "", errors)
    await asyncio.sleep(plan.memory_settle_s)
    rss, uss = kernel_memory_mb(server, viewer.kernel_id) if ready is not None else (None, None)
    await viewer.close()
    await wait_for_kernels(server, base)
    return {"page": page, "ready_s": round(ready, 2) if ready else None, "kernel_rss_mb": rss,
            "kernel_uss_mb": uss, "state_kb": round(viewer.state_message_bytes / 1024, 1),
            "errors": errors.total, "error_examples": errors.examples}


async def warm_up(url: str, server: Server, pages: list[str], plan: Plan) -> int:
    """Open each page once, so the figures' backgrounds are cached (as on a server that has
    shown its pages once) before anything is measured; the number of failures."""
    errors = Errors()
    base = len(server.kernels())
    for page in pages:
        viewer = Viewer(url, plan.timeout_s)
        await _open(viewer, page, "", errors)
        await viewer.close()
    await wait_for_kernels(server, base)
    if plan.settle_after_burst:
        await settle(server)
    return errors.total


async def _person(viewer: Viewer, control: Control, until: float, pace_s: float,
                  latencies: list[float], errors: Errors, rng: random.Random) -> None:
    """Move the control every few seconds until `until`, recording each round trip."""
    try:
        cid = viewer.find(control.control_class)
        tid = viewer.find(control.target_class)
        options = viewer.options(cid, control.trait)
    except ViewerError as err:
        errors.add("find", err)
        return
    current = viewer.states[cid].get(control.trait)
    await asyncio.sleep(rng.uniform(0, 1.0))
    while time.monotonic() < until:
        await asyncio.sleep(pace_s * rng.uniform(0.5, 1.5))
        if time.monotonic() >= until:
            return
        value = rng.choice([o for o in options if o != current])
        try:
            latencies.append(await viewer.move(cid, control.trait, value, tid))
            current = value
        except (TimeoutError, OSError, ConnectionError) as err:
            errors.add("update", err)
            return


async def latency(url: str, server: Server, monitor: Monitor, name: str, n: int,
                  plan: Plan, hostile: int = 0, attack: str = "protocol",
                  probe: bool = False) -> dict:
    """`n` viewers arrive (a few at a time) and each moves a control at a person's pace;
    `hostile` more attack the server meanwhile (`Hostile`, with `attack`); with `probe`, a
    new viewer opens the start page every 2 s (page load times)."""
    control = CONTROLS[name]
    base = len(server.kernels())
    errors = Errors()
    gate = asyncio.Semaphore(plan.arrival_concurrency)
    viewers = [Viewer(url, plan.timeout_s) for _ in range(n)]

    async def arrive(v: Viewer) -> float | None:
        async with gate:
            return await _open(v, control.page, control.query, errors)

    t0 = time.perf_counter()
    opened = await asyncio.gather(*(arrive(v) for v in viewers))
    arrival_s = time.perf_counter() - t0
    live = [v for v, t in zip(viewers, opened, strict=True) if t is not None]
    attackers = [await asyncio.create_subprocess_exec(
        sys.executable, "-m", "benchmarks.hostile", url, control.page, str(plan.duration_s),
        attack, stdout=asyncio.subprocess.PIPE, cwd=REPO) for _ in range(hostile)]
    for a in attackers:  # each says "ready" once its page is open, then attacks
        try:
            await asyncio.wait_for(a.stdout.readline(), plan.timeout_s)
        except TimeoutError:  # a server that has stopped answering: the attack goes on
            errors.add("attacker", TimeoutError("the attacker's page never opened"))
    latencies: list[float] = []
    mark = monitor.mark()
    until = time.monotonic() + plan.duration_s
    rng = random.Random(n)
    page_loads: list[float] = []
    probes = [_probe(url, until, page_loads, errors, plan)] if probe else []
    await asyncio.gather(*(_person(v, control, until, plan.pace_s, latencies, errors,
                                   random.Random(rng.random())) for v in live), *probes)
    usage = monitor.summary(mark)
    attacks = []
    for a in attackers:
        try:
            out, _ = await asyncio.wait_for(a.communicate(), plan.timeout_s)
        except TimeoutError:
            a.kill()
            out = b""
        try:
            attacks.append(json.loads(out.decode().strip().splitlines()[-1]))
        except (ValueError, IndexError):
            attacks.append({"failed": 1})
    await asyncio.gather(*(v.close() for v in viewers))
    left = await wait_for_kernels(server, base)
    return {"control": name, "page": control.page, "viewers": n, "live": len(live),
            "arrival_s": round(arrival_s, 1), "moves": len(latencies),
            "states_via": sorted({v.states_via for v in live if v.states_via}),
            "p50_ms": percentile(latencies, 50), "p95_ms": percentile(latencies, 95),
            "p99_ms": percentile(latencies, 99),
            "max_ms": round(max(latencies), 1) if latencies else None,
            "errors": errors.total, "error_kinds": errors.by_kind,
            "error_examples": errors.examples, "kernels_left": left - base,
            "hostile": hostile, "hostile_stats": _add_up(attacks),
            "attack": attack if hostile else "none",
            "page_loads": len(page_loads), "page_p50_s": percentile(page_loads, 50),
            "page_p95_s": percentile(page_loads, 95), **usage}


async def _probe(url: str, until: float, loads: list[float], errors: Errors,
                 plan: Plan) -> None:
    """An honest viewer who opens the start page every 2 s (and closes it): how long each
    page takes to be ready while the others work (and an attacker attacks)."""
    while time.monotonic() < until:
        viewer = Viewer(url, plan.timeout_s)
        t = await _open(viewer, "start.ipynb", "", errors)
        if t is not None:
            loads.append(t)
        await viewer.close()
        await asyncio.sleep(2)


def _add_up(stats: list[dict]) -> dict:
    total: dict[str, int] = {}
    for s in stats:
        for k, v in s.items():
            total[k] = total.get(k, 0) + v
    return total


async def soak(url: str, server: Server, plan: Plan) -> dict:
    """Open and close `soak_cycles` pages; kernels back to baseline, memory within 10 %?"""
    errors = Errors()
    warm = max(2, plan.soak_concurrency)

    async def cycle() -> None:
        v = Viewer(url, plan.timeout_s)
        try:
            await v.open(plan.soak_page)
        except (ViewerError, OSError, TimeoutError, aiohttp.ClientError) as err:
            errors.add("open", err)
        finally:
            await v.close()

    for _ in range(warm):  # templates, caches and imports of the first pages are not a leak
        await cycle()
    base_kernels = await wait_for_kernels(server, 0)
    start_mb = server_rss_mb(server)
    gate = asyncio.Semaphore(plan.soak_concurrency)

    async def gated() -> None:
        async with gate:
            await cycle()

    t0 = time.perf_counter()
    await asyncio.gather(*(gated() for _ in range(plan.soak_cycles)))
    elapsed = time.perf_counter() - t0
    end_kernels = await wait_for_kernels(server, base_kernels)
    end_mb = server_rss_mb(server)
    return {"page": plan.soak_page, "cycles": plan.soak_cycles, "seconds": round(elapsed, 1),
            "kernels_before": base_kernels, "kernels_after": end_kernels,
            "server_rss_mb_start": start_mb, "server_rss_mb_end": end_mb,
            "server_rss_growth": round(end_mb / start_mb - 1, 3),
            "errors": errors.total, "error_examples": errors.examples}


# --- the run -------------------------------------------------------------------------------------


async def run_plan(url: str, server: Server, plan: Plan, log,
                   bare: Server | None = None) -> dict:
    """Apply `plan` to `server`; with `bare` (a server with spawned kernels), each repetition's
    bursts start with the empty notebook's burst there (`BARE`)."""
    monitor = Monitor(server)
    bare_monitor = Monitor(bare) if bare is not None else None
    results: dict = {"plan": {k: v for k, v in plan.__dict__.items()},
                     "server_rss_mb_idle": server_rss_mb(server)}
    try:
        log("warm-up: every page once")
        warm = len(server.kernels())  # a preheated pool's kernels (0 without pools)
        results["warm_up_errors"] = await warm_up(url, server, [EMPTY, LABEL.page, *PAGES], plan)
        if warm:  # the warm-up took a kernel from each pool: let them refill first
            await refilled(server, warm)
        for rep in range(plan.repetitions):
            if "memory" in plan.parts:
                for page in plan.memory_pages:
                    log(f"memory {page} (repetition {rep + 1} of {plan.repetitions})")
                    r = await memory(url, server, page, plan)
                    results.setdefault("memory", []).append({**r, "repetition": rep})
            if "bursts" in plan.parts:
                for n in plan.burst_sizes:
                    if bare is not None and bare_monitor is not None:
                        log(f"burst {n} x {BARE} (repetition {rep + 1} of {plan.repetitions})")
                        r = await burst(bare.url, bare, bare_monitor, EMPTY, n, plan)
                        results.setdefault("bursts", []).append(
                            {**r, "page": BARE, "repetition": rep})
                    for page in _burst_pages(plan, n):
                        log(f"burst {n} x {page} (repetition {rep + 1} of {plan.repetitions})")
                        r = await burst(url, server, monitor, page, n, plan)
                        results.setdefault("bursts", []).append({**r, "repetition": rep})
        if "latency" in plan.parts:
            results["latency"] = []
            for n in plan.viewer_counts:
                for name in plan.latency_controls:
                    log(f"latency {n} viewers x {name}")
                    results["latency"].append(await latency(url, server, monitor, name, n, plan))
            for name, n, hostile in plan.hostile_runs:
                log(f"latency {n} viewers x {name} with {hostile} hostile clients")
                results["latency"].append(
                    await latency(url, server, monitor, name, n, plan, hostile))
        if "attacks" in plan.parts:
            results["attacks"] = []
            for attack in plan.attack_runs:
                log(f"attack {attack}: {plan.attack_viewers} viewers x timeline and a probe")
                results["attacks"].append(await latency(
                    url, server, monitor, "timeline", plan.attack_viewers, plan,
                    hostile=0 if attack == "none" else 1, attack=attack, probe=True))
        if "soak" in plan.parts:
            log(f"soak {plan.soak_cycles} cycles")
            results["soak"] = await soak(url, server, plan)
    finally:
        monitor.stop()
        if bare_monitor is not None:
            bare_monitor.stop()
    if plan.repetitions > 1:
        results["budget"] = budget(results)
    results["errors_total"] = sum(
        r["errors"] for part in ("memory", "bursts", "latency") for r in results.get(part, []))
    results["errors_total"] += sum(r["errors"] for r in results.get("attacks", [])
                                   if r["attack"] == "none")
    results["errors_total"] += results.get("soak", {}).get("errors", 0)
    results["errors_total"] += results["warm_up_errors"]
    return results


def _burst_pages(plan: Plan, n: int) -> list[str]:
    """The pages a burst of `n` is measured on, the empty notebook first."""
    pages = [EMPTY, *plan.burst_pages]
    if n == 20 or len(plan.burst_sizes) == 1:
        pages += [p for p in plan.burst20_pages if p not in pages]
    return pages


def _spread(values: list[float]) -> dict:
    """Median and range of a measurement's repetitions (None when none succeeded)."""
    if not values:
        return {"median": None, "min": None, "max": None, "n": 0}
    return {"median": round(statistics.median(values), 2), "min": round(min(values), 2),
            "max": round(max(values), 2), "n": len(values)}


def budget(results: dict) -> dict:
    """Issue 14's goals over the repetitions: per page, the kernel's resident memory, and each
    burst's time as a ratio to the empty notebook's burst of the same size and repetition."""
    out: dict = {"kernel_mb_goal": KERNEL_MB_GOAL, "burst_ratio_goal": BURST_RATIO_GOAL,
                 "memory": {}, "bursts": {}}
    for page in dict.fromkeys(r["page"] for r in results.get("memory", [])):
        rss = [r["kernel_rss_mb"] for r in results["memory"]
               if r["page"] == page and r["kernel_rss_mb"] is not None]
        out["memory"][page] = {**_spread(rss), "within_goal": bool(rss) and
                               statistics.median(rss) <= KERNEL_MB_GOAL}
    def baseline(name: str) -> dict:
        return {(r["viewers"], r["repetition"]): r["all_ready_s"]
                for r in results.get("bursts", []) if r["page"] == name}

    def ratios(rows: list[dict], base: dict) -> list[float]:
        return [r["all_ready_s"] / base[r["viewers"], r["repetition"]] for r in rows
                if r["all_ready_s"] and base.get((r["viewers"], r["repetition"]))]

    empty, bare = baseline(EMPTY), baseline(BARE)
    for key in dict.fromkeys((r["viewers"], r["page"]) for r in results.get("bursts", [])):
        n, page = key
        rows = [r for r in results["bursts"] if (r["viewers"], r["page"]) == key]
        ready = [r["all_ready_s"] for r in rows if r["all_ready_s"] is not None]
        to_empty = ratios(rows, empty)
        out["bursts"][f"{n} x {page}"] = {
            "viewers": n, "page": page, "all_ready_s": _spread(ready),
            "ratio_to_empty": _spread(to_empty),
            "within_goal": bool(to_empty) and statistics.median(to_empty) <= BURST_RATIO_GOAL,
            "errors": sum(r["errors"] for r in rows)}
        if bare:
            to_bare = ratios(rows, bare)
            out["bursts"][f"{n} x {page}"].update(
                ratio_to_bare=_spread(to_bare),
                within_goal_of_bare=bool(to_bare)
                and statistics.median(to_bare) <= BURST_RATIO_GOAL)
    return out


def run(plan: Plan, preheat: int = 0, pools: tuple[tuple[str, int], ...] = (),
        refill_s: float | None = None) -> dict:
    """Serve the pages (with `preheat` warm kernels per page, `pools` of warm kernels for
    particular pages, refilled `refill_s` seconds after a kernel is taken) and apply `plan`."""
    nbdir = notebook_dir()
    log_path = Path(tempfile.gettempdir()) / "kx-load.log"
    # The run's own background cache (other checkouts on this machine share ~/.cache)
    os.environ[CACHE_ENV_VAR] = str(nbdir.parent / "backgrounds")
    pool_args = [a for page, size in pools for a in ("--preheat-page", f"{page}={size}")]
    if refill_s is not None:
        pool_args += ["--pool-refill-delay", str(refill_s)]
    server = Server("--preheat", str(preheat), *pool_args, *CAP_ARGS, notebook_dir=nbdir,
                    log_path=log_path)
    assert server.url.startswith("http://127.0.0.1:"), "load goes to this machine only"
    bare = (Server("--spawn-kernels", *CAP_ARGS, notebook_dir=nbdir,
                   log_path=log_path.with_name(f"{log_path.stem}-bare.log"))
            if plan.bare_baseline else None)
    warm = (preheat * (len(list(nbdir.rglob("*.ipynb"))) - len(pools))
            + sum(size for _, size in pools))
    if warm:  # let the pools fill before the first viewer arrives
        plan.settle_after_burst = True
        asyncio.run(refilled(server, warm, limit_s=600.0))

    def log(msg: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    started = time.perf_counter()
    try:
        results = asyncio.run(run_plan(server.url, server, plan, log, bare))
    finally:
        stop_all([server, *([bare] if bare else [])])
        shutil.rmtree(nbdir.parent, ignore_errors=True)
    results["preheat"] = preheat
    results["preheat_pages"] = dict(pools)
    results["pool_refill_s"] = refill_s
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["cpu_count"] = psutil.cpu_count()
    results["when"] = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    return results


def compare(plan: Plan, other_checkout: Path) -> dict:
    """Bursts of 20 on every page, against another checkout of the explainer (say, before a
    change) served side by side: each page's burst runs on one server and then the other, so
    both see the same machine (on a shared machine, phases minutes apart do not)."""
    nbdir = notebook_dir()
    servers: dict[str, Server] = {}
    for name, pythonpath in (("other", str(other_checkout.resolve())), ("this", None)):
        env = {CACHE_ENV_VAR: str(nbdir.parent / f"backgrounds-{name}")}
        if pythonpath:
            env["PYTHONPATH"] = pythonpath  # the other checkout's explainer package and kernels
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            servers[name] = Server(notebook_dir=nbdir,
                                   log_path=Path(tempfile.gettempdir()) / f"kx-load-{name}.log")
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v

    def log(msg: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    async def go() -> dict:
        out: dict = {"bursts": [], "memory": []}
        monitors = {name: Monitor(srv) for name, srv in servers.items()}
        try:
            for name, srv in servers.items():
                log(f"warm-up {name}")
                await warm_up(srv.url, srv, [EMPTY, *PAGES], plan)
            for page in [EMPTY, *PAGES]:
                for name, srv in servers.items():
                    log(f"memory {page} on {name}")
                    out["memory"].append({"server": name,
                                          **await memory(srv.url, srv, page, plan)})
            for page in [EMPTY, *PAGES]:
                for name, srv in servers.items():
                    log(f"burst 20 x {page} on {name}")
                    r = await burst(srv.url, srv, monitors[name], page, 20, plan)
                    out["bursts"].append({"server": name, **r})
        finally:
            for m in monitors.values():
                m.stop()
        return out

    try:
        results = asyncio.run(go())
    finally:
        for srv in servers.values():
            srv.stop()
        shutil.rmtree(nbdir.parent, ignore_errors=True)
    results["other_checkout"] = str(other_checkout)
    results["when"] = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    return results


def summarise_compare(results: dict) -> str:
    lines = ["", "Side by side: the other checkout vs this one (burst of 20; ratio to each "
             "server's own empty-notebook burst)",
             "  page                          other: ready (s)  ratio   this: ready (s)  ratio"
             "   kernel MB other -> this"]
    rows: dict[str, dict] = {}
    for r in results["bursts"]:
        rows.setdefault(r["page"], {})[r["server"]] = r
    mem = {(m["server"], m["page"]): m["kernel_rss_mb"] for m in results["memory"]}
    empty = rows[EMPTY]
    for page, by in rows.items():
        cells = []
        for name in ("other", "this"):
            t, base = by[name]["all_ready_s"], empty[name]["all_ready_s"]
            cells.append(f"{_fmt(t):>8s}  {t / base if t and base else 0:5.2f}x")
        lines.append(f"  {page:28s}   {cells[0]}       {cells[1]}     "
                     f"{_fmt(mem.get(('other', page)))} -> {_fmt(mem.get(('this', page)))}")
    return "\n".join(lines)


# --- reporting ------------------------------------------------------------------------------------


def _fmt(v, unit: str = "") -> str:
    return "—" if v is None else f"{v}{unit}"


def summarise(results: dict) -> str:
    lines: list[str] = []
    if results.get("memory"):
        lines += ["", "Live kernel per page (MB, one viewer)   resident   unique   ready (s)"
                  "   state message (KB)"]
        for r in results["memory"]:
            lines.append(f"  {r['page']:36s} {_fmt(r['kernel_rss_mb']):>8s} "
                         f"{_fmt(r.get('kernel_uss_mb')):>8s}   {_fmt(r['ready_s']):>8s}"
                         f"   {_fmt(r.get('state_kb')):>8s}")
        lines.append(f"  {'server process at idle':36s} {results['server_rss_mb_idle']:8.1f}")
    if results.get("bursts"):
        lines += ["", "Bursts: viewers arriving together   all ready (s)  median  ratio to empty"
                  "  errors  CPU cores (mean/peak)  server MB  kernels MB"]
        empty = {(r["viewers"], r.get("repetition", 0)): r["all_ready_s"]
                 for r in results["bursts"] if r["page"] == EMPTY}
        for r in results["bursts"]:
            base = empty.get((r["viewers"], r.get("repetition", 0)))
            ratio = (f"{r['all_ready_s'] / base:5.2f}x" if base and r["all_ready_s"]
                     else "  —  ")
            lines.append(
                f"  {r['viewers']:3d} x {r['page']:26s} {_fmt(r['all_ready_s']):>8s}  "
                f"{_fmt(r['median_ready_s']):>6s}  {ratio:>8s}  {r['errors']:6d}  "
                f"{r.get('cpu_cores_mean', 0):5.2f}/{r.get('cpu_cores_peak', 0):4.2f}"
                f"  {_fmt(r.get('server_rss_mb_peak')):>9s}"
                f"  {_fmt(r.get('kernels_rss_mb_peak')):>9s}")
    if results.get("latency"):
        lines += ["", "Move -> update at a person's pace   viewers  moves   p50    p95    p99 (ms)"
                  "  errors  CPU cores (mean/peak)  kernels MB"]
        for r in results["latency"]:
            who = r["control"] + (f" + {r['hostile']} hostile" if r.get("hostile") else "")
            lines.append(
                f"  {who:32s} {r['viewers']:5d}  {r['moves']:5d} "
                f"{_fmt(r['p50_ms']):>6s} {_fmt(r['p95_ms']):>6s} {_fmt(r['p99_ms']):>6s}"
                f"     {r['errors']:4d}   {r.get('cpu_cores_mean', 0):5.2f}/"
                f"{r.get('cpu_cores_peak', 0):4.2f}  {_fmt(r.get('kernels_rss_mb_peak')):>9s}")
    for r in results.get("latency", []):
        if r.get("hostile"):
            h = r["hostile_stats"]
            lines.append(f"  hostile clients sent {h.get('forged_frames', 0)} forged frames, "
                         f"{h.get('flood_messages', 0)} flood messages, "
                         f"{h.get('forged_values', 0)} forged values; legacy handshakes refused "
                         f"{h.get('legacy_refused', 0)}, accepted {h.get('legacy_accepted', 0)};"
                         f" sockets closed by the server {h.get('sockets_closed_by_server', 0)}")
    if results.get("soak"):
        s = results["soak"]
        lines += ["", f"Soak: {s['cycles']} open-and-close cycles of {s['page']} in "
                  f"{s['seconds']} s: kernels {s['kernels_before']} -> {s['kernels_after']}, "
                  f"server {s['server_rss_mb_start']} -> {s['server_rss_mb_end']} MB "
                  f"({100 * s['server_rss_growth']:+.1f} %), errors {s['errors']}"]
    if results.get("attacks"):
        lines += ["", "Attacks (issue 20): an honest viewer beside each attacker",
                  f"  {'attack':14s} {'page p95 s':>10s} {'loads':>6s} {'move p95 ms':>11s} "
                  f"{'moves':>6s} {'server MB':>9s} {'kernels':>7s} {'errors':>6s}"]
        for r in results["attacks"]:
            lines.append(f"  {r['attack']:14s} {_fmt(r['page_p95_s']):>10s} "
                         f"{r['page_loads']:6d} {_fmt(r['p95_ms']):>11s} {r['moves']:6d} "
                         f"{_fmt(r.get('server_rss_mb_peak')):>9s} "
                         f"{r.get('kernels_peak', '-')!s:>7s} {r['errors']:6d}")
    if results.get("budget"):
        lines += summarise_budget(results["budget"], results["plan"]["repetitions"])
    lines.append(f"\nErrors in all: {results['errors_total']}   ({results['seconds']} s, "
                 f"{results['cpu_count']} cores, {results['when']})")
    return "\n".join(lines)


def _range(s: dict, unit: str = "") -> str:
    if s["median"] is None:
        return "—"
    return f"{s['median']}{unit} ({s['min']}–{s['max']})"


def summarise_budget(b: dict, reps: int) -> list[str]:
    """Issue 14's goals: median (range) over the repetitions, and whether each is met."""
    lines = ["", f"Issue 14's goals over {reps} repetitions: median (range)",
             f"  kernel resident MB, one viewer (goal: at most {b['kernel_mb_goal']:g})"]
    for page, m in b["memory"].items():
        mark = "within" if m["within_goal"] else "OVER"
        lines.append(f"    {page:34s} {_range(m):>22s}  {mark}")
    lines.append(f"  burst: all ready (s), and ratio to the empty notebook's burst in the same "
                 f"repetition (goal: {b['burst_ratio_goal']:g}x or less)")
    for name, r in b["bursts"].items():
        mark = ("—" if r["page"] in (EMPTY, BARE) else "within" if r["within_goal"] else "OVER")
        lines.append(f"    {name:34s} {_range(r['all_ready_s']):>22s}  "
                     f"{_range(r['ratio_to_empty'], 'x'):>24s}  {mark}"
                     + (f"  errors {r['errors']}" if r["errors"] else ""))
    if any("ratio_to_bare" in r for r in b["bursts"].values()):
        lines.append(f"  the same bursts against the bare baseline: the empty notebook's burst on "
                     f"a server with spawned kernels ({BARE!r}), same repetition")
        for name, r in b["bursts"].items():
            if r["page"] == BARE:
                continue
            mark = "within" if r["within_goal_of_bare"] else "OVER"
            lines.append(f"    {name:34s} {_range(r['ratio_to_bare'], 'x'):>24s}  {mark}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tiny run (the test suite)")
    parser.add_argument("--only", action="append", choices=Plan.parts,
                        help="run only these parts (repeatable)")
    parser.add_argument("--budget", action="store_true",
                        help="issue 14's goals: every page's kernel memory and a burst of 20 on "
                             "every page vs the empty notebook, 3 repetitions (median, range)")
    parser.add_argument("--repetitions", type=int, help="repeat memory and bursts N times")
    parser.add_argument("--preheat", type=int, default=0, help="serve with N preheated kernels")
    parser.add_argument("--preheat-page", action="append", default=[], metavar="PAGE=N",
                        help="serve with a pool of N warm kernels for PAGE (repeatable)")
    parser.add_argument("--pool-refill-delay", type=float, metavar="SECONDS",
                        help="serve with this refill delay for the pools (serve's option)")
    parser.add_argument("--pages", help="the pages measured (memory and bursts), e.g. "
                                        "walkthrough.ipynb (the empty notebook always is)")
    parser.add_argument("--duration", type=float, help="seconds per latency level")
    parser.add_argument("--viewers", help="latency levels, e.g. 10,25")
    parser.add_argument("--bursts", help="burst sizes, e.g. 10,20,50")
    parser.add_argument("--controls", help=f"latency controls, from {','.join(CONTROLS)}")
    parser.add_argument("--out", type=Path, help="where to write the JSON")
    parser.add_argument("--compare-with", type=Path, metavar="CHECKOUT",
                        help="bursts of 20 and memory side by side with another checkout")
    parser.add_argument("--against", type=Path, metavar="CHECKOUT",
                        help="serve another checkout's explainer (before issue 20: no caps)")
    parser.add_argument("--attacks", help="attacks run, e.g. none,flood")
    args = parser.parse_args(argv)
    if args.against:
        os.environ["PYTHONPATH"] = str(args.against.resolve())
        CAP_ARGS.clear()
    if args.compare_with:
        results = compare(Plan(), args.compare_with)
        out = args.out or RESULTS / "load-compare.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2))
        print(summarise_compare(results))
        print(f"\nwritten: {out}")
        return 0
    if args.budget:
        plan = QUICK_BUDGET if args.quick else BUDGET
    else:
        plan = QUICK if args.quick else Plan()
    if args.repetitions:
        plan.repetitions = args.repetitions
    if args.only:
        plan.parts = tuple(args.only)
    if args.attacks:
        plan.attack_runs = tuple(args.attacks.split(","))
    if args.duration:
        plan.duration_s = args.duration
    if args.viewers:
        plan.viewer_counts = tuple(int(x) for x in args.viewers.split(","))
    if args.bursts:
        plan.burst_sizes = tuple(int(x) for x in args.bursts.split(","))
    if args.controls:
        plan.latency_controls = tuple(args.controls.split(","))
    if args.pages:
        chosen = tuple(args.pages.split(","))
        plan.burst20_pages, plan.burst_pages = chosen, ()
        plan.memory_pages = (EMPTY, *chosen)
    pools = tuple((page, int(size)) for page, _, size in
                  (item.partition("=") for item in args.preheat_page))
    results = run(plan, args.preheat, pools, args.pool_refill_delay)
    name = "load-budget" if args.budget else "load"
    out = args.out or RESULTS / (f"{name}-quick.json" if args.quick else f"{name}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(summarise(results))
    print(f"\nwritten: {out}")
    return 0 if results["errors_total"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
