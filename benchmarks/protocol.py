"""One viewer as the browser is one, over the real Jupyter protocol (asyncio + aiohttp).

A `Viewer` fetches a Voilà page (which starts its kernel and runs the notebook), opens the
page's kernel websocket with the ``v1.kernel.websocket.jupyter.org`` subprotocol the browser
uses, asks for every widget's state through the ``jupyter.widget.control`` comm (what
ipywidgets 8's page does on load), and then moves a control by sending the same ``comm_msg``
``update`` the browser's widget manager sends; the latency of a move is the time until the
kernel's ``update`` of the target widget (the figure overlay or label) arrives. Closing sends
Voilà's shutdown beacon, as a closing tab does. Messages are framed with jupyter_server's own
v1 serialiser, so the harness speaks exactly what the server parses.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from dataclasses import dataclass

import aiohttp
from jupyter_server.services.kernels.connection.base import (
    deserialize_msg_from_ws_v1,
    serialize_msg_to_ws_v1,
)

SUBPROTOCOL = "v1.kernel.websocket.jupyter.org"
_CONFIG = re.compile(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                     re.S)


class ViewerError(Exception):
    """A page or kernel did not do what a browser needs (counted as an error by the harness)."""


@dataclass(frozen=True)
class Control:
    """A control a viewer moves, found by its CSS class, and the widget whose update shows it."""

    page: str
    control_class: str
    target_class: str
    trait: str
    """The synced trait the browser sends: "value" (sliders of numbers) or "index" (selections)."""
    query: str = ""


CONTROL_PROTOCOL_VERSION = "1.0.0"
"""What @jupyter-widgets/base's manager puts in the control comm's `comm_open` metadata; the
kernel refuses the comm without it (and the page then asks each widget for its state, one
message and two status messages per widget)."""


def _message(msg_type: str, content: dict, session: str, metadata: dict | None = None) -> dict:
    return {
        "header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "",
                   "session": session, "version": "5.3", "date": ""},
        "parent_header": {}, "metadata": metadata or {}, "content": content,
    }


class Viewer:
    """One browser tab: its own cookies, one page, one kernel websocket."""

    def __init__(self, base_url: str, timeout: float = 120.0):
        self.base_url = base_url
        self.timeout = timeout
        self.session_id = uuid.uuid4().hex
        self.http: aiohttp.ClientSession | None = None
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.kernel_id = ""
        self.states: dict[str, dict] = {}
        self.states_via = ""
        self.state_message_bytes = 0
        """Size on the wire of the message that carried the widget states (the
        `update_states` frame, buffers included; 0 when they came "each")."""
        self.state_buffer_bytes = 0
        """Of that, the binary buffers (images sent as widget buffers)."""
        """How the widget states came: "control" (one `update_states`, as ipywidgets 8's page
        gets them), "each" (one `request_state` per widget: the page's fallback), or ""."""
        self._waiters: dict[str, list[asyncio.Future]] = {}
        self._replies: dict[str, asyncio.Future] = {}
        self._reader: asyncio.Task | None = None
        self.closed_by_server = asyncio.Event()

    # --- opening a page ----------------------------------------------------------------------

    async def open(self, page: str, query: str = "") -> float:
        """Load `page` as a browser does; seconds until its widgets could be drawn."""
        t0 = time.perf_counter()
        # unsafe=True: keep cookies from an IP-address host (127.0.0.1), as a browser does
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                          timeout=aiohttp.ClientTimeout(total=self.timeout))
        async with self.http.get(f"{self.base_url}/voila/render/{page}{query}") as resp:
            if resp.status != 200:
                raise ViewerError(f"page answered {resp.status}")
            html = await resp.text()
        match = _CONFIG.search(html)
        if not match:
            raise ViewerError("page has no jupyter-config-data")
        self.kernel_id = json.loads(match.group(1))["kernelId"]
        self.ws = await self.http.ws_connect(self.channels_url(), protocols=[SUBPROTOCOL],
                                             max_msg_size=0, heartbeat=None)
        if self.ws.protocol != SUBPROTOCOL:
            raise ViewerError(f"server chose subprotocol {self.ws.protocol!r}")
        self._reader = asyncio.create_task(self._read())
        await self._request("kernel_info_request", {}, "kernel_info_reply")
        await self._load_widget_states()
        return time.perf_counter() - t0

    def channels_url(self) -> str:
        return (f"{self.base_url.replace('http', 'ws', 1)}/api/kernels/{self.kernel_id}/channels"
                f"?session_id={self.session_id}")

    async def _load_widget_states(self) -> None:
        """ipywidgets 8's page start: open the control comm and `request_states`; a kernel
        without widgets closes that comm, and the page then asks `comm_info` (as the browser's
        fallback does) and each widget's `request_state`."""
        comm_id = uuid.uuid4().hex
        got = self._wait_for(comm_id)
        self._send(_message("comm_open", {"comm_id": comm_id, "target_name":
                                          "jupyter.widget.control", "data": {}},
                            self.session_id, {"version": CONTROL_PROTOCOL_VERSION}))
        self._send(_message("comm_msg", {"comm_id": comm_id,
                                         "data": {"method": "request_states"}}, self.session_id))
        data = await asyncio.wait_for(got, self.timeout)
        if data.get("method") == "update_states":
            self.states = {mid: s["state"] for mid, s in data["states"].items()}
            self.states_via = "control"
            self._send(_message("comm_close", {"comm_id": comm_id, "data": {}},
                                self.session_id))
            return
        if data.get("method") != "comm_close":
            raise ViewerError(f"control comm answered {data.get('method')!r}")
        reply = await self._request("comm_info_request", {"target_name": "jupyter.widget"},
                                    "comm_info_reply")
        comms = list(reply["content"].get("comms", {}))
        waits = [self._wait_for(c) for c in comms]
        for c in comms:
            self._send(_message("comm_msg", {"comm_id": c, "data": {"method": "request_state"}},
                                self.session_id))
        answers = await asyncio.wait_for(asyncio.gather(*waits), self.timeout)
        self.states = {c: a.get("state", {}) for c, a in zip(comms, answers, strict=True)}
        self.states_via = "each"

    # --- moving a control --------------------------------------------------------------------

    def find(self, css_class: str) -> str:
        """The model id of the widget carrying `css_class`."""
        for mid, state in self.states.items():
            if css_class in state.get("_dom_classes", ()):
                return mid
        raise ViewerError(f"no widget with class {css_class!r} on the page")

    def options(self, control_id: str, trait: str) -> list:
        state = self.states[control_id]
        if trait == "index":
            return list(range(len(state["_options_labels"])))
        return list(range(int(state["min"]), int(state["max"]) + 1, int(state.get("step", 1))))

    async def move(self, control_id: str, trait: str, value, target_id: str) -> float:
        """Set `trait` of the control as the browser does; ms until the target's update."""
        got = self._wait_for(target_id)
        t0 = time.perf_counter()
        self._send(_message("comm_msg", {"comm_id": control_id, "data": {
            "method": "update", "state": {trait: value}, "buffer_paths": []}},
                            self.session_id))
        await asyncio.wait_for(got, self.timeout)
        return (time.perf_counter() - t0) * 1000

    # --- closing -----------------------------------------------------------------------------

    async def close(self) -> None:
        """Close the tab: Voilà's shutdown beacon (with the `_xsrf` cookie), then the socket."""
        try:
            if self.http is not None and self.kernel_id:
                xsrf = next((c.value for c in self.http.cookie_jar if c.key == "_xsrf"), "")
                form = aiohttp.FormData({"_xsrf": xsrf})
                async with self.http.post(f"{self.base_url}/voila/api/shutdown/{self.kernel_id}",
                                          data=form) as resp:
                    await resp.read()
        except (TimeoutError, aiohttp.ClientError):
            pass  # the server may already be gone: closing must still free this side
        finally:
            if self.ws is not None:
                await self.ws.close()
            if self._reader is not None:
                self._reader.cancel()
            if self.http is not None:
                await self.http.close()

    # --- the socket ----------------------------------------------------------------------------

    def _send(self, msg: dict) -> None:
        frames = [json.dumps(msg[k]).encode() for k in
                  ("header", "parent_header", "metadata", "content")]
        asyncio.ensure_future(self.ws.send_bytes(serialize_msg_to_ws_v1(frames, "shell")))

    def _wait_for(self, comm_id: str) -> asyncio.Future:
        fut = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(comm_id, []).append(fut)
        return fut

    async def _request(self, msg_type: str, content: dict, reply_type: str) -> dict:
        msg = _message(msg_type, content, self.session_id)
        fut = asyncio.get_running_loop().create_future()
        self._replies[msg["header"]["msg_id"]] = fut
        self._send(msg)
        reply = await asyncio.wait_for(fut, self.timeout)
        if reply["header"]["msg_type"] != reply_type:
            raise ViewerError(f"expected {reply_type}, got {reply['header']['msg_type']}")
        return reply

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                if raw.type != aiohttp.WSMsgType.BINARY:
                    continue
                channel, frames = deserialize_msg_from_ws_v1(raw.data)
                header, parent, _meta, content = (json.loads(f) for f in frames[:4])
                if channel == "shell":
                    fut = self._replies.pop(parent.get("msg_id"), None)
                    if fut and not fut.done():
                        fut.set_result({"header": header, "content": content})
                elif header["msg_type"] == "comm_msg":
                    if content.get("data", {}).get("method") == "update_states":
                        self.state_message_bytes += len(raw.data)
                        self.state_buffer_bytes += sum(len(b) for b in frames[4:])
                    self._dispatch(content)
                elif header["msg_type"] == "comm_close":
                    for fut in self._waiters.pop(content.get("comm_id", ""), []):
                        if not fut.done():
                            fut.set_result({"method": "comm_close"})
        finally:
            self.closed_by_server.set()

    def _dispatch(self, content: dict) -> None:
        data = content.get("data", {})
        method = data.get("method")
        comm_id = content.get("comm_id", "")
        if method == "update" and comm_id in self.states:
            self.states[comm_id].update(data.get("state", {}))
        if method in ("update", "update_states"):
            for fut in self._waiters.pop(comm_id, []):
                if not fut.done():
                    fut.set_result(data)

