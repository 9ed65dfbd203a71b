"""The server's HTTP edges, so that one slow or noisy client cannot exhaust them (issue 20).

- **Slow clients.** `HTTP_SERVER_OPTIONS`: a client has `HEADER_SECONDS` to send its request
  headers (and an idle keep-alive connection is closed after as long), `BODY_SECONDS` for a
  body, headers of at most 16 KB and bodies of at most 1 MB (the page sends only the small
  shutdown beacon). `CappedHTTPServer` closes a new connection at once past `max_connections`
  (or past `MAX_CONNECTIONS_PER_ADDRESS` from one address other than loopback),
  which is sized below the process's file-descriptor limit (raised to its hard limit by
  `raise_file_limit`), so the cap, not the operating system, refuses. Behind `make multi`,
  nginx holds slow clients itself (`client_header_timeout`, `client_body_timeout`,
  `limit_conn`: deploy/nginx).
- **Headers on every response.** `SecurityHeaders` (a tornado output transform: it sees every
  response, redirects, errors, static files and websocket handshakes included) sets the
  Content-Security-Policy, `nosniff` and `no-referrer`, and removes tornado's `Server` version.
- **A Host allow-list.** `host_pattern` gives the names the server answers to (loopback by
  default, and the host it was told to bind); any other `Host` (DNS rebinding) gets
  `RefusedHostHandler`'s 403, for pages and websockets alike.
- **Bounded logs.** `bound_logging` truncates each log line and drops lines past a rate (with a
  count of what was dropped), so a client cannot fill the disk through the log.
- **Busy page.** `busy_page()`: the plain page, in the site's style, that a viewer gets over a
  cap (with 503 and Retry-After, sent by the page handler).
"""

from __future__ import annotations

import ipaddress
import logging
import resource
import socket
import time
from functools import cache
from html import escape

import tornado.web
from tornado.httpserver import HTTPServer

LOCALHOST = "127.0.0.1"
"""The address the server binds to unless told otherwise (`--host`)."""

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        # blob: anywidget (the browser-drawn overlays) imports the module it was sent as
        # text through a blob: URL made in this page; see docs/serving.md.
        "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'self'",
        "form-action 'self'",
        "base-uri 'self'",
    ]
)
"""The browser itself refuses any request to another host (Voilà's page needs inline scripts)."""


HEADER_SECONDS = 5
"""A browser sends a request's headers at once; a slow-header client held a connection (and a
file descriptor) for as long as this (measured: with 20 s, 2,000 such connections filled the
connection cap through a 15 s attack and honest page loads were refused)."""
BODY_SECONDS = 30
HTTP_SERVER_OPTIONS = {
    "idle_connection_timeout": HEADER_SECONDS,
    "body_timeout": BODY_SECONDS,
    "max_header_size": 16 * 1024,
    "max_body_size": 1024 * 1024,
}
MAX_CONNECTIONS = 2000
"""Open HTTP connections at once (websockets are counted by `admission`); at most a quarter of
the file-descriptor limit."""
MAX_CONNECTIONS_PER_ADDRESS = 100
"""Open connections from one address other than loopback (behind the project's nginx every
connection comes from loopback, and nginx's `limit_conn` counts by the client's address)."""
LOG_LINE_CHARS = 500
LOG_LINES_PER_SECOND = 20.0
LOG_BURST = 200
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
LOOPBACK_NAMES = (LOCALHOST, "localhost", "::1", "[::1]")
_ANY_ADDRESS = ("0.0.0.0", "::", "")


class SecurityHeaders(tornado.web.OutputTransform):
    """The security headers on every response, and no `Server` version."""

    def transform_first_chunk(self, status_code, headers, chunk, finishing):
        headers.pop("Server", None)
        for name, value in SECURITY_HEADERS.items():
            headers[name] = value
        return status_code, headers, chunk


TRANSFORMS = [SecurityHeaders]


def allowed_hosts(bind_host: str, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The Host names answered: loopback, the host the server binds (its machine's names when
    it binds every address), and any the clinic adds (`--allow-host`; "*" for any)."""
    names = [*LOOPBACK_NAMES, *extra]
    if bind_host in _ANY_ADDRESS:
        names += [socket.gethostname(), socket.getfqdn()]
    elif bind_host not in names:
        names.append(bind_host)
    return tuple(dict.fromkeys(n.lower() for n in names if n))


def host_pattern(names) -> str:
    """A tornado host pattern matching exactly `names` (".*$" when one of them is "*")."""
    names = list(names)
    if not names or "*" in names:
        return ".*$"
    import re

    return "(" + "|".join(re.escape(n.lower()) for n in names) + ")$"


class RefusedHostHandler(tornado.web.RequestHandler):
    """403 for a request whose Host is not this server's (DNS rebinding)."""

    def prepare(self):
        log_limited(logging.getLogger("tornado.access"), "refused a request for Host %s",
                    self.request.host_name[:80])
        self.set_status(403)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(_words()["refused_host"] + "\n")


class CappedHTTPServer(HTTPServer):
    """tornado's HTTP server, closing new connections past `max_connections`."""

    def initialize(self, *args, max_connections: int | None = None, **kwargs):
        super().initialize(*args, **kwargs)
        self.max_connections = max_connections or connection_cap()

    def handle_stream(self, stream, address):
        if len(self._connections) >= self.max_connections or self._over_address_cap(address):
            log_limited(logging.getLogger("tornado.general"), "refused a connection: %s",
                        "connection cap reached")
            stream.close()
            return
        super().handle_stream(stream, address)

    def _over_address_cap(self, address) -> bool:
        ip = address[0] if isinstance(address, tuple) and address else ""
        try:
            if not ip or ipaddress.ip_address(ip).is_loopback:
                return False
        except ValueError:
            return False
        held = sum(1 for c in self._connections
                   if getattr(getattr(c, "context", None), "remote_ip", None) == ip)
        return held >= MAX_CONNECTIONS_PER_ADDRESS


def raise_file_limit() -> int:
    """Raise this process's open-file limit to its hard limit; returns the soft limit now."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = max(soft, 65536)
    if soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass
    return soft


def connection_cap() -> int:
    """`MAX_CONNECTIONS`, or a quarter of the file limit if that is smaller."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return max(64, min(MAX_CONNECTIONS, soft // 4))


def zmq_socket_cap() -> int:
    """The ZeroMQ sockets the server may open: half the file limit (each kernel websocket
    opens four), so that `admission`'s socket caps refuse long before ZeroMQ's own limit."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return max(1024, soft // 2)


# logs
class _BoundedLog(logging.Filter):
    """Truncates messages and drops lines past `LOG_LINES_PER_SECOND` (bursts of
    `LOG_BURST`); the next line let through says how many were dropped."""

    def __init__(self):
        super().__init__()
        self.tokens, self.stamp, self.dropped = float(LOG_BURST), time.monotonic(), 0

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        self.tokens = min(LOG_BURST, self.tokens + (now - self.stamp) * LOG_LINES_PER_SECOND)
        self.stamp = now
        if self.tokens < 1:
            self.dropped += 1
            return False
        self.tokens -= 1
        message = record.getMessage()
        if len(message) > LOG_LINE_CHARS:
            message = message[:LOG_LINE_CHARS] + " …"
        if self.dropped:
            message = f"{message} ({self.dropped} log lines dropped before this one)"
            self.dropped = 0
        record.msg, record.args = message, None
        if record.exc_info:  # a traceback is many lines: keep its last one
            record.msg = f"{message} [{record.exc_info[0].__name__}]"
            record.exc_info, record.exc_text = None, None
        return True


_FILTER = _BoundedLog()


def bound_logging(*loggers: logging.Logger) -> None:
    """Put the bounded-log filter on every handler of the root logger, tornado's loggers and
    `loggers` (idempotent). The root logger gets a handler of its own if it has none: tornado's
    access log (a line per request) would otherwise go to `logging.lastResort`, unfiltered."""
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
    names = ("", "tornado", "tornado.access", "tornado.application", "tornado.general")
    for logger in (*(logging.getLogger(n) for n in names), *loggers):
        for handler in logger.handlers:
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)


def log_limited(log: logging.Logger, message: str, *args) -> None:
    """A warning that goes through the bounded-log filter whichever handler writes it."""
    record = log.makeRecord(log.name, logging.WARNING, "(edges)", 0, message, args, None)
    if _FILTER.filter(record):
        log.handle(record)


# pages
@cache
def _words() -> dict:
    from explainer.content import strings

    return dict(strings.text("site", "edges"))


@cache
def busy_page() -> str:
    """The page a viewer gets over a cap: the site's stylesheet, one heading, one sentence,
    and a link to try again (built once)."""
    from explainer import paths

    words = _words()
    css = paths.stylesheet().read_text(encoding="utf-8")
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(words['busy_title'])}</title>\n<style>{css}</style>\n</head>\n"
        '<body>\n<main id="rendered_cells">\n'
        '<div class="jp-RenderedHTMLCommon kx-busy" style="padding: 32px 16px">\n'
        f"<h1>{escape(words['busy_title'])}</h1>\n<p>{escape(words['busy_text'])}</p>\n"
        f'<p><a href="">{escape(words["busy_retry"])}</a></p>\n</div>\n</main>\n</body>\n'
        "</html>\n"
    )


def without_versions(page_config: dict, **_kwargs) -> dict:
    """Voilà's page config without `appVersion` (a version string for anyone to read)."""
    return {k: v for k, v in page_config.items() if k != "appVersion"}
