"""A small outside client of a page's kernel websocket, speaking what the browser speaks.

`KernelClient` connects with the v1 subprotocol (binary frames) as Voilà's page does, sends
shell messages, and keeps every raw frame it receives so a test can search them.
"""

from __future__ import annotations

import json
import time
import uuid

import websocket
from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

from explainer.serving.websocket import V1_PROTOCOL, split_v1_frame


def kernel_id(page) -> str:
    """The kernel id of a Voilà page open in Playwright."""
    config = page.evaluate("document.getElementById('jupyter-config-data').textContent")
    return json.loads(config)["kernelId"]


def channels_url(port: int, kid: str) -> str:
    return f"ws://127.0.0.1:{port}/api/kernels/{kid}/channels?session_id={uuid.uuid4().hex}"


def header(msg_type: str, session: str) -> dict:
    return {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "",
            "session": session, "version": "5.3", "date": ""}


def v1_frame(msg_type: str, content: dict, channel: str = "shell", session: str = "") -> bytes:
    parts = [json.dumps(p).encode() for p in
             (header(msg_type, session or uuid.uuid4().hex), {}, {}, content)]
    return serialize_msg_to_ws_v1(parts, channel)


class KernelClient:
    """A v1 websocket client of one kernel: `send`, `collect`, and every frame in `raw`."""

    def __init__(self, port: int, kid: str, timeout: float = 10):
        self.ws = websocket.create_connection(channels_url(port, kid), timeout=timeout,
                                              subprotocols=[V1_PROTOCOL])
        self.session = uuid.uuid4().hex
        self.raw: list[bytes] = []

    def send(self, msg_type: str, content: dict, channel: str = "shell") -> None:
        self.ws.send_binary(v1_frame(msg_type, content, channel, self.session))

    def send_raw(self, frame: bytes) -> None:
        self.ws.send_binary(frame)

    def collect(self, seconds: float, until: str | None = None) -> list[dict]:
        """Messages received within `seconds` (stops early at a message of type `until`)."""
        got, deadline = [], time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.ws.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                frame = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                break
            frame = frame.encode() if isinstance(frame, str) else frame
            self.raw.append(frame)
            split = split_v1_frame(frame)
            if split is None:
                continue
            channel, parts = split
            msg = {"channel": channel, "header": json.loads(parts[0]),
                   "content": json.loads(parts[3]) if len(parts) > 3 else {}}
            got.append(msg)
            if until and msg["header"].get("msg_type") == until:
                break
        return got

    def widget_states(self) -> dict[str, dict]:
        """comm id -> widget state, asked for as the browser does on page load."""
        self.send("comm_info_request", {"target_name": "jupyter.widget"})
        reply = next((m for m in self.collect(10, until="comm_info_reply")
                      if m["header"]["msg_type"] == "comm_info_reply"), None)
        assert reply is not None, "no comm_info_reply"
        comms = list(reply["content"].get("comms", {}))
        for comm_id in comms:
            self.send("comm_msg", {"comm_id": comm_id, "data": {"method": "request_state"}})
        states: dict[str, dict] = {}
        deadline = time.monotonic() + 20
        while len(states) < len(comms) and time.monotonic() < deadline:
            for m in self.collect(1):
                data = m["content"].get("data", {}) if m["header"]["msg_type"] == "comm_msg" else {}
                if data.get("method") == "update" and m["content"].get("comm_id") in comms:
                    states.setdefault(m["content"]["comm_id"], {}).update(data.get("state", {}))
        return states

    def update(self, comm_id: str, state: dict) -> None:
        """What the browser sends when a person moves a control."""
        self.send("comm_msg", {"comm_id": comm_id,
                               "data": {"method": "update", "state": state, "buffer_paths": []}})

    def alive(self, seconds: float = 15) -> bool:
        self.send("kernel_info_request", {})
        return any(m["header"]["msg_type"] == "kernel_info_reply"
                   for m in self.collect(seconds, until="kernel_info_reply"))

    def close(self) -> None:
        self.ws.close()
