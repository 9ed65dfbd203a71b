"""A hostile viewer, in a process of its own, attacking while the load harness's viewers work.

    python -m benchmarks.hostile http://127.0.0.1:PORT treatment-timeline.ipynb SECONDS [ATTACK]

ATTACK is one of `ATTACKS` (issue 20 adds all but "protocol", the default):

- protocol: the attack below (legacy handshakes, forged frames, floods, forged values);
- flood: six connections asking for its page again and again, half of them dropped right
  after the headers (it made 109 kernels in 51 s);
- idle_sockets: up to 300 idle websockets to its page's kernel (255 exhausted ZeroMQ);
- non_reading: a socket that never reads, asking for every widget's state 20 times a second;
- widgets: `comm_open`s creating Text widgets of 900 KB in the kernel;
- slow_headers: up to 2,000 connections that send their headers a byte at a time.

Flood requests carry `X-Forwarded-For: 10.66.0.1` (a server run with `--trusted-proxy
127.0.0.1` counts them as one remote client, as behind the project's nginx).

It opens a page as a viewer does, then until SECONDS have passed, every half second: tries a
legacy-protocol (no subprotocol) websocket handshake, sends forged v1 frames (counts far past
the frame's end), a flood of messages far beyond a person's pace, and forged values for every
control on its page. It prints "ready" once its page is open, then what it sent and what the
server did (JSON), and exits.
Its own process: its floods must not slow the harness's event loop, or the others' latency
would measure the harness rather than the server.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid

import aiohttp
from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

from benchmarks.protocol import SUBPROTOCOL, Viewer, _message

FORGED_FRAMES = (
    b"\xff" * 8 + b"\x00" * 56,                       # an offset count of 2**64 - 1
    (10**12).to_bytes(8, "little") + b"\x00" * 4000,   # a count far past the frame's end
    b"not a frame at all",
)
FORGED_VALUES = (1e308, -1, 10**15, None, "x" * 5000, [1, 2, 3],
                 "<script>alert(1)</script>")
_CONTROL_MODELS = ("SliderModel", "ToggleButtonsModel", "DropdownModel", "PlayModel",
                   "ToggleButtonModel", "TextModel")


class Hostile(Viewer):
    """A viewer that attacks while the others use the explainer: legacy-protocol handshakes,
    forged v1 frames, floods far beyond a person's pace and forged control values on its own
    page. `attack` counts what it sent and what the server did about it."""

    async def attack(self, until: float, flood: int = 400) -> dict:
        stats = {"rounds": 0, "legacy_refused": 0, "legacy_accepted": 0, "forged_frames": 0,
                 "flood_messages": 0, "forged_values": 0, "sockets_closed_by_server": 0}
        controls = [mid for mid, st in self.states.items()
                    if st.get("_model_name", "").endswith(_CONTROL_MODELS)]
        while time.monotonic() < until:
            stats["rounds"] += 1
            try:
                legacy = await self.http.ws_connect(self.channels_url(), heartbeat=None)
                stats["legacy_accepted"] += 1
                await legacy.close()
            except aiohttp.WSServerHandshakeError:
                stats["legacy_refused"] += 1
            try:
                if self.ws.closed:
                    stats["sockets_closed_by_server"] += 1
                    self.ws = await self.http.ws_connect(
                        self.channels_url(), protocols=[SUBPROTOCOL], max_msg_size=0,
                        heartbeat=None)
                    self._reader = asyncio.create_task(self._read())
                for frame in FORGED_FRAMES:
                    await self.ws.send_bytes(frame)
                    stats["forged_frames"] += 1
                info = json.dumps(_message("kernel_info_request", {}, self.session_id)["header"])
                for _ in range(flood):
                    frames = [info.encode(), b"{}", b"{}", b"{}"]
                    await self.ws.send_bytes(serialize_msg_to_ws_v1(frames, "shell"))
                    stats["flood_messages"] += 1
                for mid in controls:
                    for key in ("value", "index"):
                        for value in FORGED_VALUES:
                            self._send(_message("comm_msg", {"comm_id": mid, "data": {
                                "method": "update", "state": {key: value},
                                "buffer_paths": []}}, self.session_id))
                            stats["forged_values"] += 1
            except (ConnectionError, TimeoutError, aiohttp.ClientError):
                pass  # the server closed this socket: the next round opens another
            await asyncio.sleep(0.5)
        return stats


    async def flood(self, until: float, page: str, connections: int = 6) -> dict:
        """Ask for the page again and again; every other request is dropped after the
        headers. Counts the answers by status."""
        stats = {"pages_asked": 0, "dropped": 0, "refused_503": 0, "answered_200": 0,
                 "failed": 0}
        url = f"{self.base_url}/voila/render/{page}"
        headers = {"X-Forwarded-For": "10.66.0.1"}

        async def one_connection(k: int) -> None:
            n = 0
            while time.monotonic() < until:
                n += 1
                stats["pages_asked"] += 1
                try:
                    async with self.http.get(url, headers=headers) as r:
                        if r.status == 503:
                            stats["refused_503"] += 1
                            await r.read()
                            await asyncio.sleep(0.05)
                        elif n % 2:
                            stats["dropped"] += 1  # leave after the headers
                            r.close()
                        else:
                            await r.read()
                            stats["answered_200"] += r.status == 200
                except (aiohttp.ClientError, TimeoutError):
                    stats["failed"] += 1
        await asyncio.gather(*(one_connection(k) for k in range(connections)))
        return stats

    async def idle_sockets(self, until: float, count: int = 300) -> dict:
        """Open up to `count` idle websockets to this page's kernel and hold them."""
        stats = {"sockets_open": 0, "sockets_refused": 0}
        held = []
        for _ in range(count):
            try:
                held.append(await self.http.ws_connect(self.channels_url(),
                                                       protocols=[SUBPROTOCOL], heartbeat=None))
                stats["sockets_open"] += 1
            except (aiohttp.ClientError, TimeoutError):
                stats["sockets_refused"] += 1
        await asyncio.sleep(max(0.0, until - time.monotonic()))
        for ws in held:
            await ws.close()
        return stats

    async def non_reading(self, until: float) -> dict:
        """A socket that never reads, asking for every widget's state 20 times a second."""
        stats = {"state_requests": 0, "closed_by_server": 0}
        ws = await self.http.ws_connect(self.channels_url(), protocols=[SUBPROTOCOL],
                                        heartbeat=None)
        control = uuid.uuid4().hex
        frames = lambda m, c: serialize_msg_to_ws_v1(  # noqa: E731
            [json.dumps(x).encode() for x in (m["header"], {}, {}, c)], "shell")
        await ws.send_bytes(frames(_message("comm_open", {}, self.session_id),
                                   {"comm_id": control, "target_name": "jupyter.widget.control",
                                    "data": {}}))
        ask = frames(_message("comm_msg", {}, self.session_id),
                     {"comm_id": control, "data": {"method": "request_states"}})
        while time.monotonic() < until:
            try:
                await ws.send_bytes(ask)
                stats["state_requests"] += 1
            except (ConnectionError, aiohttp.ClientError):
                stats["closed_by_server"] += 1
                break
            await asyncio.sleep(0.05)
        ws._response.close()  # leave without reading or a closing handshake
        return stats

    async def widgets(self, until: float) -> dict:
        """comm_opens to `jupyter.widget` creating Text widgets of 900 KB."""
        stats = {"widgets_sent": 0}
        value = "x" * 900_000
        while time.monotonic() < until:
            try:
                self._send(_message("comm_open", {
                    "comm_id": uuid.uuid4().hex, "target_name": "jupyter.widget",
                    "data": {"state": {"_model_name": "TextModel",
                                       "_model_module": "@jupyter-widgets/controls",
                                       "_model_module_version": "2.0.0", "value": value},
                             "buffer_paths": []}}, self.session_id))
                stats["widgets_sent"] += 1
            except (ConnectionError, aiohttp.ClientError):
                break
            await asyncio.sleep(0.02)
        return stats

    async def slow_headers(self, until: float, count: int = 2000) -> dict:
        """Connections that send their request a byte at a time, and never finish."""
        host, port = self.base_url.removeprefix("http://").split(":")
        stats = {"connections_opened": 0, "connections_failed": 0}
        writers = []
        for _ in range(count):
            if time.monotonic() > until:
                break
            try:
                _, w = await asyncio.open_connection(host, int(port))
                w.write(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-a: ")
                writers.append(w)
                stats["connections_opened"] += 1
            except OSError:
                stats["connections_failed"] += 1
                break
        while time.monotonic() < until:
            for w in writers:
                if not w.is_closing():
                    w.write(b"a")
            await asyncio.sleep(1)
        stats["closed_by_server"] = sum(w.is_closing() or w.transport.is_closing()
                                        for w in writers)
        for w in writers:
            w.close()
        return stats


ATTACKS = ("protocol", "flood", "idle_sockets", "non_reading", "widgets", "slow_headers")


async def _main(url: str, page: str, seconds: float, attack: str = "protocol") -> dict:
    if not url.startswith("http://127.0.0.1:"):
        raise SystemExit("hostile traffic goes to 127.0.0.1 only")
    if attack not in ATTACKS:
        raise SystemExit(f"an attack is one of {', '.join(ATTACKS)}")
    attacker = Hostile(url, 60)
    try:
        await attacker.open(page)
        print("ready", flush=True)
        until = time.monotonic() + seconds
        if attack == "protocol":
            return await attacker.attack(until)
        if attack == "flood":
            return await attacker.flood(until, page)
        return await getattr(attacker, attack)(until)
    finally:
        await attacker.close()


if __name__ == "__main__":
    print(json.dumps(asyncio.run(_main(sys.argv[1], sys.argv[2], float(sys.argv[3]),
                                       *sys.argv[4:5]))))
