"""Kernel websockets that no viewer can stall and that carry nothing internal to the page.

Every viewer can open its page's kernel websocket, so every frame on it is treated as hostile:

- **One protocol.** Only `v1.kernel.websocket.jupyter.org` (the one Voilà's page negotiates) is
  accepted; a handshake that does not offer it is refused with 400 before the socket opens.
  Voilà 0.5.13's `VoilaKernelWebsocketHandler.write_message` reads the first 8 bytes of every
  outgoing binary frame as a v1 offset count; a legacy-protocol frame (any widget message with
  buffers, e.g. an `Image` widget's PNG) gives an astronomically large count, and the server's
  one thread loops for ever (jupyter_server's `deserialize_msg_from_ws_v1` has the same
  unbounded loop for *incoming* frames: one forged 8-byte prefix froze every viewer).
- **Bounded parsing.** `split_v1_frame` reads a frame's parts with every count checked against
  the frame's own length, so parsing is linear in the bytes received; malformed frames are
  dropped with a one-line server log entry.
- **A rate limit per socket.** A token bucket drops what a viewer sends beyond a person's pace
  (`MESSAGES_PER_SECOND`, bursts up to `BURST`) and closes a socket that keeps flooding.
- **Expensive requests rate-limited per kernel, no widgets made from the browser**
  (`explainer.serving.budgets`).
- **A bounded outgoing buffer.** A socket whose reader has fallen `MAX_PENDING_BYTES` behind is
  closed and what the kernel sends it is dropped, not queued.
- **Caps on sockets** per kernel and per client (`explainer.serving.admission`), refused with
  503 before the socket opens, so that the caps, not the system's file limit, refuse first.
- **Nothing internal goes out.** On the iopub channel, `error` messages and `stderr` streams
  (where ipykernel and the comm layer write tracebacks, server paths and library versions when a
  widget message fails) are kept from the viewer and logged on the server instead, as one short
  line; `execute_input` is dropped as Voilà does. A `kernel_info_reply` goes out without its
  banner, help links and version strings (the page needs only the protocol and language name).

`docs/serving.md` says what was wrong upstream and when this can go.
"""

from __future__ import annotations

import json
from typing import Any

from jupyter_client.session import DELIM
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from tornado import web
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from explainer.serving.admission import client_address
from explainer.serving.budgets import (
    ALLOWED_COMM_TARGETS,
    TokenBucket,
    content_of,
    forget_kernel,
    state_request_allowed,
)

ADMISSION_SETTING = "kx_admission"
"""The tornado setting holding the server's `Admission` ledger."""
TRUSTED_PROXIES_SETTING = "kx_trusted_proxies"

V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"
MAX_PARTS = 64
"""At most this many parts in one frame (channel, header, parent header, metadata, content and
the buffers); widget messages have a handful."""
FLOOD_DROPS = 2000
"""A socket that has had this many messages dropped by the rate limit is closed."""
_LOG_TEXT_CHARS = 300
MAX_PENDING_BYTES = 4 * 1024 * 1024
"""Most bytes a socket may have waiting to be written to its reader (the timeline's states are
about 560 KB); past it the socket is closed."""
KERNEL_ENDED = 4000
"""The close code a page's socket gets when its kernel has ended (the page's connection.js
then says so in words)."""

_sockets: dict[str, set] = {}
"""The open kernel websockets (handlers) by kernel id, to close them when the kernel ends."""


def split_v1_frame(frame: bytes) -> tuple[str, list[bytes]] | None:
    """A v1 frame's channel and message parts, or None if the frame is malformed.

    Layout (jupyter_server's `serialize_msg_to_ws_v1`): an 8-byte little-endian count `n` of
    offsets, `n` 8-byte offsets, then the channel name and the parts. Every count and offset is
    checked against the frame's length before use, so a forged count costs nothing.
    """
    if not isinstance(frame, bytes | bytearray | memoryview):
        return None
    frame = bytes(frame)
    size = len(frame)
    if size < 8:
        return None
    n = int.from_bytes(frame[:8], "little")
    if not 3 <= n <= MAX_PARTS + 2 or 8 * (n + 1) > size:
        return None
    offsets = [int.from_bytes(frame[8 * (i + 1): 8 * (i + 2)], "little") for i in range(n)]
    if offsets[0] != 8 * (n + 1) or offsets[-1] != size:
        return None
    if any(b < a for a, b in zip(offsets, offsets[1:], strict=False)):
        return None
    try:
        channel = frame[offsets[0]: offsets[1]].decode("utf-8")
    except UnicodeDecodeError:
        return None
    parts = [frame[offsets[i]: offsets[i + 1]] for i in range(1, n - 1)]
    return channel, parts


def _header(parts: list[bytes]) -> dict | None:
    """The message header (the first part), or None if it is not a JSON object."""
    if not parts:
        return None
    try:
        header = json.loads(parts[0])
    except (ValueError, UnicodeDecodeError):
        return None
    return header if isinstance(header, dict) else None


def close_kernel_sockets(kernel_id: str, reason: str) -> int:
    """Close every open websocket of a kernel that has ended (code `KERNEL_ENDED`); returns
    how many were open. Also forgets the kernel's rate limit."""
    forget_kernel(kernel_id)
    handlers = list(_sockets.pop(kernel_id, ()))
    for handler in handlers:
        handler.close(KERNEL_ENDED, reason)
    return len(handlers)


class GuardedChannelsConnection(ZMQChannelsWebsocketConnection):
    """The kernel connection behind each viewer's websocket (see the module docstring)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._bucket = TokenBucket()

    # viewer -> kernel
    def handle_incoming_message(self, incoming_msg: Any) -> None:
        if self.subprotocol != V1_PROTOCOL:  # refused at the handshake; never reached
            return
        if not self._bucket.allow():
            if self._bucket.dropped >= FLOOD_DROPS:
                self.log.warning("kernel %s: closing a websocket that keeps flooding",
                                 self.kernel_id)
                self.websocket_handler.close(1008, "too many messages")
            return
        split = split_v1_frame(incoming_msg)
        header = _header(split[1]) if split else None
        if split is None or header is None or not isinstance(header.get("msg_type"), str):
            self.log.warning("kernel %s: dropped a malformed websocket frame", self.kernel_id)
            return
        if not self._allowed(header["msg_type"], split[1]):
            return
        try:
            super().handle_incoming_message(incoming_msg)
        except Exception as exc:  # a frame the session cannot pack: drop it, keep the socket
            self.log.warning("kernel %s: dropped a websocket frame (%s)", self.kernel_id,
                             type(exc).__name__)

    def _allowed(self, msg_type: str, parts: list[bytes]) -> bool:
        """False for a widget creation or a state request over the kernel's rate."""
        if msg_type == "comm_open":
            target = content_of(parts).get("target_name")
            if target not in ALLOWED_COMM_TARGETS:
                self.log.warning("kernel %s: refused a comm_open from the browser",
                                 self.kernel_id)
                return False
            return state_request_allowed(self.kernel_id)  # it asks for the states at once
        if msg_type != "comm_msg":
            return True
        method = (content_of(parts).get("data") or {}).get("method") if parts else None
        if method in ("request_states", "request_state"):
            return state_request_allowed(self.kernel_id, method)
        if method in ("update", "custom"):  # something a person did
            admission = self.websocket_handler.settings.get(ADMISSION_SETTING)
            if admission is not None:
                admission.interacted(self.kernel_id)
        return True

    # kernel -> viewer
    def handle_outgoing_message(self, stream: Any, outgoing_msg: list[Any]) -> None:
        channel = stream if isinstance(stream, str) else getattr(stream, "channel", None)
        if channel == "iopub" and self._withheld(outgoing_msg):
            return
        if channel == "shell":
            outgoing_msg = self._without_versions(outgoing_msg)
        super().handle_outgoing_message(stream, outgoing_msg)

    def _without_versions(self, msg_list: list[Any]) -> list[Any]:
        """A kernel_info_reply with what identifies the software stack blanked out."""
        try:
            idents, parts = self.session.feed_identities(msg_list)
            if self.session.unpack(parts[1]).get("msg_type") != "kernel_info_reply":
                return msg_list
            content = self.session.unpack(parts[4])
        except Exception:
            return msg_list
        content.update(banner="", help_links=[], implementation_version="")
        if isinstance(content.get("language_info"), dict):
            content["language_info"] = {k: v for k, v in content["language_info"].items()
                                        if k in ("name", "mimetype", "file_extension",
                                                 "codemirror_mode", "pygments_lexer")}
        parts = list(parts)
        parts[4] = self.session.pack(content)
        # The signature covers the parts: sign again so the session accepts its own message.
        parts[0] = self.session.sign(parts[1:5])
        return [*idents, DELIM, *parts]

    def _withheld(self, msg_list: list[Any]) -> bool:
        """True for an iopub message the viewer must not get (it is logged here instead)."""
        try:
            _, parts = self.session.feed_identities(msg_list)
            header = self.session.unpack(parts[1])
            msg_type = header.get("msg_type")
            if msg_type == "execute_input":
                return True
            if msg_type not in ("error", "stream"):
                return False
            content = self.session.unpack(parts[4])
        except Exception:
            self.log.warning("kernel %s: withheld an unreadable iopub message", self.kernel_id)
            return True
        if msg_type == "stream" and content.get("name") != "stderr":
            return False
        text = content.get("text", "") if msg_type == "stream" else content.get("ename", "")
        last = next((line for line in reversed(str(text).splitlines()) if line.strip()), "")
        # One short line: enough to find the failure, too short to copy a viewer's input.
        self.log.warning("kernel %s: kept %s from the viewer: %s", self.kernel_id,
                         "stderr" if msg_type == "stream" else "an error",
                         last[:_LOG_TEXT_CHARS])
        return True


def request_client(handler: web.RequestHandler) -> str:
    """The client a request counts against (`admission.client_address`)."""
    return client_address(handler.request.remote_ip or "",
                          handler.request.headers.get("X-Forwarded-For"),
                          handler.settings.get(TRUSTED_PROXIES_SETTING, ()))


class GuardedKernelWebsocketHandler(VoilaKernelWebsocketHandler):
    """Voilà's kernel websocket, refusing the legacy protocol and reading frames boundedly."""

    _counted = False

    async def get(self, *args, **kwargs):
        offered = self.request.headers.get("Sec-WebSocket-Protocol", "")
        if V1_PROTOCOL not in (p.strip() for p in offered.split(",")):
            raise web.HTTPError(400, f"this server speaks only the {V1_PROTOCOL} protocol")
        admission = self.settings.get(ADMISSION_SETTING)
        kernel_id = kwargs.get("kernel_id") or (args[0] if args else "")
        self._client = request_client(self)
        if admission is not None:
            if not admission.open_socket(kernel_id, self._client):
                raise web.HTTPError(503, "too many connections")
            self._counted, self._counted_kernel = True, kernel_id
        try:
            # Tornado returns from get() once the socket has closed (or was refused).
            return await super().get(*args, **kwargs)
        finally:
            self._uncount()

    def open(self, *args, **kwargs):
        _sockets.setdefault(self.kernel_id, set()).add(self)
        return super().open(*args, **kwargs)

    def on_close(self):
        self._uncount()
        return super().on_close()

    def _uncount(self) -> None:
        kernel_id = getattr(self, "kernel_id", None)
        if kernel_id in _sockets:
            _sockets[kernel_id].discard(self)
            if not _sockets[kernel_id]:
                del _sockets[kernel_id]
        if self._counted:
            self._counted = False
            self.settings[ADMISSION_SETTING].close_socket(self._counted_kernel, self._client)

    def select_subprotocol(self, subprotocols):
        return V1_PROTOCOL if V1_PROTOCOL in subprotocols else None

    def write_message(self, message, binary: bool = False):
        # Replaces Voilà's unbounded header reading (see the module docstring); execute_input
        # never reaches here (the connection withholds it), so nothing else needs the header.
        if isinstance(message, bytes | bytearray) and split_v1_frame(message) is None:
            self.log.warning("dropped a malformed outgoing websocket frame")
            return None
        if self._pending_bytes() > MAX_PENDING_BYTES:
            self.log.warning("kernel %s: closing a websocket whose reader fell behind",
                             getattr(self, "kernel_id", "?"))
            self.close(1008, "reading too slowly")
            return None
        return super(VoilaKernelWebsocketHandler, self).write_message(message, binary)

    def _pending_bytes(self) -> int:
        """Bytes written to this socket that its reader has not taken yet."""
        stream = getattr(self.ws_connection, "stream", None)
        buffer = getattr(stream, "_write_buffer", None)  # tornado's IOStream keeps a length
        return len(buffer) if buffer is not None else 0
