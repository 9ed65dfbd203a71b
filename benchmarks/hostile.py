"""A hostile viewer, in a process of its own, attacking while the load harness's viewers work.

    python -m benchmarks.hostile http://127.0.0.1:PORT treatment-timeline.ipynb SECONDS

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


async def _main(url: str, page: str, seconds: float) -> dict:
    if not url.startswith("http://127.0.0.1:"):
        raise SystemExit("hostile traffic goes to 127.0.0.1 only")
    attacker = Hostile(url, 60)
    try:
        await attacker.open(page)
        print("ready", flush=True)
        return await attacker.attack(time.monotonic() + seconds)
    finally:
        await attacker.close()


if __name__ == "__main__":
    print(json.dumps(asyncio.run(_main(sys.argv[1], sys.argv[2], float(sys.argv[3])))))
