"""Admission control: how many kernels (and kernel websockets) the server gives out, and to whom.

Every page a viewer opens starts a kernel (45–65 MB and a share of the CPU for a few seconds),
so one anonymous client could otherwise start kernels until the machine runs out of memory
(issue 20: six connections made 109 kernels in 51 s). The ledger here counts a kernel **when
the request arrives**, not once the kernel is up, so no burst gets past a cap:

- a **global cap** (`default_max_kernels`: sized from the machine's memory and cores), and a
  **per-client cap** (by address; behind the project's nginx, the address that proxy put in
  `X-Forwarded-For`, trusted only from the proxy's own address);
- a **start rate per client**: at most `STARTS_PER_MINUTE` new kernels a minute after a burst
  of `max_per_client` (a client that drops its requests at once frees its kernels, and could
  otherwise keep the machine busy starting new ones);
- a **reservation**: a page's kernel whose page never opens its websocket is shut down
  `RESERVATION_SECONDS` after the page was sent, and a request dropped before its page was
  sent leaves nothing (its kernel is shut down at once);
- a **bounded lifetime without interaction**: a kernel whose sockets have sent nothing a person
  does (a widget update or click) for `IDLE_LIFETIME_SECONDS` is shut down even though a
  socket is open (an idle socket used to hold a kernel for ever);
- caps on **websockets** per kernel and per client.

The per-client caps apply to every address but loopback: on loopback every viewer shares one
address (a clinician's own machine, or a proxy not named with `--trusted-proxy`), so only the
global and per-kernel caps can tell them apart.

The ledger is pure bookkeeping (no tornado, no kernels): `explainer.serving.app` asks it and
acts on its answers, and `tests/test_hostile_admission.py` tests it apart from the server.
"""

from __future__ import annotations

import ipaddress
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

KERNEL_MEMORY_MB = 100
"""Memory budgeted per viewer's kernel: 45–65 MB resident measured per page (docs/serving.md),
plus the server's share of each page, with margin."""
MEMORY_SHARE = 0.5
"""At most this share of the machine's memory goes to viewers' kernels."""
KERNELS_PER_CORE = 20
"""A page's kernel costs about 0.3 s of CPU to build and little after; 20 a core keeps a burst
of arrivals from queueing for longer than a few seconds (docs/serving.md, "Admission")."""
MIN_KERNELS = 4
MAX_KERNELS_PER_CLIENT = 10
"""A person opens a few tabs; a clinic's tablets may share one address behind NAT."""
MAX_SOCKETS_PER_KERNEL = 4
"""A page opens one kernel websocket (and reconnects it when it drops)."""
MAX_SOCKETS_PER_CLIENT = 2 * MAX_KERNELS_PER_CLIENT + 4
STARTS_PER_MINUTE = 12.0
"""A person opens a page every few seconds at most, after the first few at once."""
RESERVATION_SECONDS = 60.0
IDLE_LIFETIME_SECONDS = 30 * 60.0
"""A page nobody has touched for half an hour gives its kernel back (its page then says so)."""
RETRY_AFTER_SECONDS = 60


def default_max_kernels(memory_bytes: int | None = None, cores: int | None = None) -> int:
    """The global cap from the machine: the smaller of what `MEMORY_SHARE` of its memory holds
    at `KERNEL_MEMORY_MB` a kernel, and `KERNELS_PER_CORE` a core (never below `MIN_KERNELS`)."""
    if memory_bytes is None:
        import psutil

        memory_bytes = psutil.virtual_memory().total
    if cores is None:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
            os.cpu_count() or 1)
    by_memory = int(memory_bytes * MEMORY_SHARE // (KERNEL_MEMORY_MB * 1024 * 1024))
    return max(MIN_KERNELS, min(by_memory, KERNELS_PER_CORE * cores))


def client_address(peer: str, forwarded_for: str | None, trusted_proxies: Iterable[str]) -> str:
    """Who a request comes from: the connection's own address, or, when that address is one of
    the `trusted_proxies` (the project's nginx), the last address in `X-Forwarded-For` (the one
    that proxy wrote; a client can only put forged entries before it)."""
    if peer in set(trusted_proxies) and forwarded_for:
        last = forwarded_for.split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(last))
        except ValueError:
            return peer
    return peer


def _per_client(client: str) -> bool:
    """False for a loopback address (see the module docstring)."""
    try:
        return not ipaddress.ip_address(client).is_loopback
    except ValueError:
        return True


@dataclass
class Reservation:
    """One viewer's kernel, from the request's arrival until the kernel has ended."""

    client: str
    arrived: float
    kernel_id: str | None = None
    page_sent: float | None = None
    sockets: int = 0
    ever_connected: bool = False
    last_interaction: float = 0.0


@dataclass
class Admission:
    """The ledger of kernels and websockets handed out (see the module docstring)."""

    max_kernels: int
    max_per_client: int = MAX_KERNELS_PER_CLIENT
    sockets_per_kernel: int = MAX_SOCKETS_PER_KERNEL
    sockets_per_client: int = MAX_SOCKETS_PER_CLIENT
    reservation_seconds: float = RESERVATION_SECONDS
    idle_lifetime_seconds: float = IDLE_LIFETIME_SECONDS
    starts_per_minute: float = STARTS_PER_MINUTE
    clock: Callable[[], float] = time.monotonic
    _held: list[Reservation] = field(default_factory=list)
    _by_kernel: dict[str, Reservation] = field(default_factory=dict)
    _client_sockets: Counter = field(default_factory=Counter)
    _starts: dict[str, tuple[float, float]] = field(default_factory=dict)
    """client -> (start tokens, when last counted)."""
    refused: Counter = field(default_factory=Counter)
    """How many requests each cap refused (for the log and the load harness)."""

    # kernels
    def admit(self, client: str) -> Reservation | None:
        """A reservation for a new page's kernel, or None when a cap is reached."""
        if len(self._held) >= self.max_kernels:
            self.refused["kernels"] += 1
            return None
        if _per_client(client) and sum(
                1 for r in self._held if r.client == client) >= self.max_per_client:
            self.refused["kernels_per_client"] += 1
            return None
        if _per_client(client) and not self._may_start(client):
            self.refused["starts_per_client"] += 1
            return None
        reservation = Reservation(client=client, arrived=self.clock())
        self._held.append(reservation)
        return reservation

    def _may_start(self, client: str) -> bool:
        """Take one start from the client's budget (`starts_per_minute`, bursts of
        `max_per_client`); False when it is spent."""
        now, burst = self.clock(), float(self.max_per_client)
        tokens, stamp = self._starts.get(client, (burst, now))
        tokens = min(burst, tokens + (now - stamp) * self.starts_per_minute / 60)
        if len(self._starts) > 10_000:  # forget the clients whose budget is full again
            full = 60 * burst / self.starts_per_minute
            self._starts = {c: v for c, v in self._starts.items() if now - v[1] < full}
        if tokens < 1:
            self._starts[client] = (tokens, now)
            return False
        self._starts[client] = (tokens - 1, now)
        return True

    def bind(self, reservation: Reservation, kernel_id: str) -> None:
        """The kernel Voilà gave this page (started for it or taken from a warm pool)."""
        reservation.kernel_id = kernel_id
        reservation.last_interaction = self.clock()
        self._by_kernel[kernel_id] = reservation

    def sent(self, reservation: Reservation) -> None:
        """The page has been sent: its websocket should arrive soon."""
        reservation.page_sent = self.clock()

    def release(self, reservation: Reservation) -> None:
        """The reservation's request failed or its kernel has ended."""
        if reservation in self._held:
            self._held.remove(reservation)
        if reservation.kernel_id is not None:
            self._by_kernel.pop(reservation.kernel_id, None)

    def kernels(self) -> int:
        """Kernels counted against the cap (starting, running, or reserved)."""
        return len(self._held)

    def connected_or_sent(self) -> list[Reservation]:
        """The reservations whose page has been sent (their kernels are up)."""
        return [r for r in self._held if r.kernel_id is not None and r.page_sent is not None]

    def forget_ended(self, live_kernel_ids: Iterable[str]) -> int:
        """Release the reservations whose kernels have ended; returns how many."""
        live = set(live_kernel_ids)
        ended = [r for r in self._held if r.kernel_id is not None and r.kernel_id not in live]
        for reservation in ended:
            self.release(reservation)
        return len(ended)

    def overdue(self) -> list[str]:
        """Kernels to shut down now: a page sent `reservation_seconds` ago whose websocket
        never arrived, and kernels nobody has interacted with for `idle_lifetime_seconds`."""
        now = self.clock()
        due = []
        for r in self._held:
            if r.kernel_id is None:
                continue
            if r.sockets == 0 and not r.ever_connected:
                if r.page_sent is not None and now - r.page_sent > self.reservation_seconds:
                    due.append(r.kernel_id)
            elif now - r.last_interaction > self.idle_lifetime_seconds:
                due.append(r.kernel_id)
        return due

    # websockets
    def open_socket(self, kernel_id: str, client: str) -> bool:
        """Count a websocket to `kernel_id` from `client`; False (not counted) over a cap."""
        reservation = self._by_kernel.get(kernel_id)
        if reservation is not None and reservation.sockets >= self.sockets_per_kernel:
            self.refused["sockets_per_kernel"] += 1
            return False
        if _per_client(client) and self._client_sockets[client] >= self.sockets_per_client:
            self.refused["sockets_per_client"] += 1
            return False
        self._client_sockets[client] += 1
        if reservation is not None:
            reservation.sockets += 1
            reservation.ever_connected = True
        return True

    def close_socket(self, kernel_id: str, client: str) -> None:
        if self._client_sockets[client] > 0:
            self._client_sockets[client] -= 1
        if self._client_sockets[client] == 0:
            del self._client_sockets[client]
        reservation = self._by_kernel.get(kernel_id)
        if reservation is not None and reservation.sockets > 0:
            reservation.sockets -= 1

    def interacted(self, kernel_id: str) -> None:
        """A socket of this kernel sent something a person does (a widget update, a click)."""
        reservation = self._by_kernel.get(kernel_id)
        if reservation is not None:
            reservation.last_interaction = self.clock()
