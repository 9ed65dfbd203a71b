"""What a viewer's kernel websockets may ask of a kernel, and how fast (issue 9, issue 20).

- `TokenBucket` is the rate limit used per socket (`explainer.serving.websocket`).
- **Expensive requests rate-limited per kernel.** A page asks for every widget's state once
  when it loads (`request_states`; half a megabyte on the timeline); more than
  `STATE_REQUESTS_BURST` of those, across all the kernel's sockets, at more than one every
  `STATE_REQUEST_SECONDS`, are dropped (one client asking 20 times a second grew the server
  by 10 MB/s, and the replies to 8,000 such requests kept coming after it had gone).
- **No widgets made from the browser.** A `comm_open` is refused unless its target is one a
  real page opens (`ALLOWED_COMM_TARGETS`: ipywidgets 8's manager opens only
  `jupyter.widget.control`, to ask for the states; `jupyter.widget` from the browser would
  create any widget in the kernel, bypassing the inbound gate).
"""

from __future__ import annotations

import json
import time

MESSAGES_PER_SECOND = 100.0
BURST = 200
"""A dragged slider sends at most one message per animation frame (~60 a second)."""
ALLOWED_COMM_TARGETS = frozenset({"jupyter.widget.control"})
"""The comms a real page opens (ipywidgets 8's `ManagerBase._loadFromKernel`; anywidget's
front end opens none of its own). Voilà's own widget manager is ipywidgets 8's."""
STATE_REQUEST_SECONDS = 2.0
STATE_REQUESTS_BURST = 4
"""A page opens the control comm and asks for the states once as it loads (and again if it
reconnects): two each time."""
WIDGET_STATE_REQUESTS_PER_SECOND = 5.0
WIDGET_STATE_REQUESTS_BURST = 100
"""`request_state` (one widget's state; what an older front end asks for each widget on load)
across a kernel's sockets: a page has a few dozen widgets."""

_state_buckets: dict[tuple[str, str], TokenBucket] = {}


class TokenBucket:
    """`allow()` is True while the sender keeps to `rate` a second on average, `burst` at once."""

    def __init__(self, rate: float = MESSAGES_PER_SECOND, burst: int = BURST):
        self.rate, self.burst = rate, burst
        self.tokens = float(burst)
        self.stamp = time.monotonic()
        self.dropped = 0

    def allow(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        self.dropped += 1
        return False


def content_of(parts: list[bytes]) -> dict:
    """The message content (the fourth part) as a dict; {} if it is not a JSON object."""
    try:
        content = json.loads(parts[3])
    except (IndexError, ValueError, UnicodeDecodeError):
        return {}
    return content if isinstance(content, dict) else {}


def state_request_allowed(kernel_id: str, method: str = "request_states") -> bool:
    """True while the kernel's sockets, together, keep to the state requests a page makes."""
    bucket = _state_buckets.get((kernel_id, method))
    if bucket is None:
        rate, burst = ((1 / STATE_REQUEST_SECONDS, STATE_REQUESTS_BURST)
                       if method == "request_states" else
                       (WIDGET_STATE_REQUESTS_PER_SECOND, WIDGET_STATE_REQUESTS_BURST))
        bucket = _state_buckets[(kernel_id, method)] = TokenBucket(rate, burst)
    return bucket.allow()


def forget_ended_kernels(live_kernel_ids) -> None:
    """Drop the state-request budgets of kernels that have ended."""
    live = set(live_kernel_ids)
    for key in [key for key in _state_buckets if key[0] not in live]:
        del _state_buckets[key]


def forget_kernel(kernel_id: str) -> None:
    """Drop one ended kernel's state-request budgets."""
    for method in ("request_states", "request_state"):
        _state_buckets.pop((kernel_id, method), None)


MAX_OFFLINE_BYTES = 4 * 1024 * 1024
"""Most bytes kept for a page whose socket has gone, to replay when it reconnects (jupyter_server
keeps everything: the replies to 8,000 state requests grew the server by 3.9 GB after their
client had left)."""


class BoundedBuffer(list):
    """jupyter_server's list of messages kept for a gone socket, holding at most `limit`
    bytes; later messages are dropped (the page reloads to catch up, as after any gap)."""

    def __init__(self, limit: int = MAX_OFFLINE_BYTES):
        super().__init__()
        self.limit, self.size, self.dropped = limit, 0, 0

    def append(self, item) -> None:
        _channel, parts = item
        size = sum(len(p) if hasattr(p, "__len__") else len(getattr(p, "bytes", b""))
                   for p in parts)
        if self.size + size > self.limit:
            self.dropped += 1
            return
        self.size += size
        super().append(item)


def bound_offline_buffers(manager) -> None:
    """Make the kernel manager keep a `BoundedBuffer` for each gone socket."""
    start = manager.start_buffering

    def start_buffering(kernel_id, session_key, channels):
        start(kernel_id, session_key, channels)
        info = manager._kernel_buffers.get(kernel_id)
        if info is not None and isinstance(info.get("buffer"), list):
            info["buffer"] = BoundedBuffer()  # jupyter_server looks it up on every message

    manager.start_buffering = start_buffering
