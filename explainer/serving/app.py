"""`ExplainerVoila`: Voilà with a start page at `/`, no file listing and no contents API, and
the edges one anonymous client could otherwise use to take the service down (issue 20):
kernels admitted against caps (`explainer.serving.admission`), a sweep that shuts down kernels
whose page never came or has died, slow clients cut off (`explainer.serving.edges`)."""

from __future__ import annotations

import logging
import tempfile

import tornado.web
import zmq
from jupyter_server.auth.identity import PasswordIdentityProvider
from jupyter_server.utils import url_path_join
from nbclient.util import ensure_async
from tornado.ioloop import PeriodicCallback
from traitlets import Int, List, Unicode
from voila.app import Voila
from voila.request_info_handler import RequestInfoSocketHandler
from voila.static_file_handler import TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from explainer import paths
from explainer.serving import backgrounds, edges, modules
from explainer.serving.admission import (
    IDLE_LIFETIME_SECONDS,
    MAX_KERNELS_PER_CLIENT,
    RESERVATION_SECONDS,
    RETRY_AFTER_SECONDS,
    Admission,
    Reservation,
    default_max_kernels,
)
from explainer.serving.budgets import bound_offline_buffers, forget_ended_kernels
from explainer.serving.config import START_PAGE
from explainer.serving.templates import share_compiled_templates
from explainer.serving.websocket import (
    ADMISSION_SETTING,
    TRUSTED_PROXIES_SETTING,
    GuardedKernelWebsocketHandler,
    close_kernel_sockets,
    request_client,
)

_HIDDEN_ROUTES = ("/voila/tree", "/voila/api/contents", "/login", "/logout")
"""No file listing, no contents API, and no login pages (there is nothing to log in to;
`/logout` answered 500 with a traceback in the log)."""
SWEEP_SECONDS = 2.0


class StrictTemplateStaticFileHandler(TemplateStaticFileHandler):
    """Voilà's template static files, answering 404 (not 500) to malformed or `..` paths."""

    def parse_url_path(self, path):
        parts = path.split("/")
        if len(parts) < 3 or parts[1] != "static" or any(p in ("", ".", "..") for p in parts):
            raise tornado.web.HTTPError(404)
        return super().parse_url_path(path)


class _RecordingKernelManager:
    """The server's kernel manager as one page request sees it: the kernel it starts (or
    takes from a warm pool) is bound to the request's reservation."""

    def __init__(self, manager, bind):
        self._manager, self._bind = manager, bind

    def __getattr__(self, name):
        return getattr(self._manager, name)

    async def start_kernel(self, *args, **kwargs):
        kernel_id = await ensure_async(self._manager.start_kernel(*args, **kwargs))
        self._bind(kernel_id)
        return kernel_id

    async def get_rendered_notebook(self, *args, **kwargs):
        result = await self._manager.get_rendered_notebook(*args, **kwargs)
        self._bind(result[2])
        return result


class PageHandler(TornadoVoilaHandler):
    """Voilà's page handler, admitting each page's kernel against the caps and setting the
    `_xsrf` cookie.

    Voilà's page asks the server to shut its kernel down when it closes (a beacon to
    /voila/api/shutdown), but the server rejects that POST without an `_xsrf` cookie, which
    the page handler never sets; so closed pages left their kernels running until culled.

    Over a cap the viewer gets the plain "busy" page (503, `Retry-After`) at once, before any
    kernel starts. A request whose viewer left before the page was sent leaves nothing: its
    kernel is shut down as soon as that is known.
    """

    _reservation: Reservation | None = None

    @property
    def kernel_manager(self):
        manager = self.settings["kernel_manager"]
        reservation = self._reservation
        if reservation is None:
            return manager
        admission = self.settings[ADMISSION_SETTING]
        return _RecordingKernelManager(manager, lambda kid: admission.bind(reservation, kid))

    async def get(self, path=None):
        admission: Admission = self.settings[ADMISSION_SETTING]
        reservation = admission.admit(request_client(self))
        if reservation is None:
            edges.log_limited(self.log, "refused a page: %s cap reached", "kernels")
            self.set_status(503)
            self.set_header("Retry-After", str(RETRY_AFTER_SECONDS))
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            return self.finish(edges.busy_page())
        self._reservation = reservation
        _ = self.xsrf_token  # sets the cookie the shutdown beacon sends back
        forget_ended_requests(self.settings["kernel_manager"].list_kernel_ids())
        sent = False
        try:
            await super().get(path)
            stream = getattr(self.request.connection, "stream", None)
            sent = stream is None or not stream.closed()
        finally:
            if sent and reservation.kernel_id is not None:
                admission.sent(reservation)
            else:  # no kernel (a redirect, an error), or the viewer has gone
                admission.release(reservation)
                if reservation.kernel_id is not None:
                    await shut_down(self.settings["kernel_manager"], reservation.kernel_id,
                                    "its viewer left before the page was sent")


async def shut_down(manager, kernel_id: str, why: str) -> None:
    """Close a kernel's sockets (its page then says it stopped) and shut it down."""
    close_kernel_sockets(kernel_id, "the page's kernel has stopped")
    if kernel_id not in manager:
        return
    edges.log_limited(logging.getLogger("ExplainerVoila"), "shutting down a kernel: %s", why)
    try:
        await ensure_async(manager.shutdown_kernel(kernel_id, now=True))
    except Exception as exc:  # already gone
        edges.log_limited(logging.getLogger("ExplainerVoila"),
                          "kernel shutdown failed: %s", type(exc).__name__)


class NoCookieIdentityProvider(PasswordIdentityProvider):
    """Anonymous viewers without the 30-day `username-…` identity cookie jupyter_server would
    set: the explainer keeps no identity (the only cookie is the XSRF token)."""

    def set_login_cookie(self, handler, user) -> None:
        return None


def forget_ended_requests(live_kernel_ids) -> int:
    """Drop what Voilà keeps about each request served from a warm pool (its query string,
    host and port, for the kernel to read) once that kernel has ended. Voilà keeps it until
    the server stops, so a long-running server with pools grew with every viewer. Returns how
    many were dropped."""
    live = set(live_kernel_ids)
    ended = [kernel_id for kernel_id in RequestInfoSocketHandler._cache if kernel_id not in live]
    for kernel_id in ended:
        RequestInfoSocketHandler._cache.pop(kernel_id, None)
    return len(ended)


_REPLACED = {TemplateStaticFileHandler: StrictTemplateStaticFileHandler,
             TornadoVoilaHandler: PageHandler,
             VoilaKernelWebsocketHandler: GuardedKernelWebsocketHandler}


class ExplainerVoila(Voila):
    """A Voilà application hardened for a clinic's network (see `config.build_config`)."""

    name = "ketamine-explainer"

    max_kernels = Int(0, help="Most viewers' kernels at once (0: sized from the machine)."
                      ).tag(config=True)
    max_kernels_per_client = Int(MAX_KERNELS_PER_CLIENT).tag(config=True)
    reservation_seconds = Int(int(RESERVATION_SECONDS)).tag(config=True)
    idle_lifetime_seconds = Int(int(IDLE_LIFETIME_SECONDS)).tag(config=True)
    trusted_proxies = List(Unicode(), help="Addresses whose X-Forwarded-For is believed."
                           ).tag(config=True)
    allowed_hosts = List(Unicode(), help="Host names the server answers to ('*': any)."
                         ).tag(config=True)

    def initialize(self, argv=None):
        share_compiled_templates()  # parse and compile the page templates once, not per page
        edges.raise_file_limit()
        super().initialize(argv)
        edges.bound_logging(self.log)
        backgrounds.tell_kernels(self.base_url)  # before any kernel (or warm pool) starts
        modules.tell_kernels(self.base_url)

    def init_settings(self):
        settings = super().init_settings()
        self.admission = Admission(
            max_kernels=self.max_kernels or default_max_kernels(),
            max_per_client=self.max_kernels_per_client,
            reservation_seconds=self.reservation_seconds,
            idle_lifetime_seconds=self.idle_lifetime_seconds)
        self.log.info("Admitting at most %d kernels (%d per client)",
                      self.admission.max_kernels, self.admission.max_per_client)
        # ZeroMQ's default of 1023 sockets (four per kernel websocket) was what refused first.
        self.kernel_manager.context.set(zmq.MAX_SOCKETS, edges.zmq_socket_cap())
        bound_offline_buffers(self.kernel_manager)
        settings[ADMISSION_SETTING] = self.admission
        settings[TRUSTED_PROXIES_SETTING] = tuple(self.trusted_proxies)
        return settings

    def start(self):
        # Voilà's start, with every route under the Host allow-list and the edges' transform.
        self.connection_dir = tempfile.mkdtemp(prefix="voila_", dir=self.connection_dir_root)
        settings = self.init_settings()
        self.app = tornado.web.Application(transforms=edges.TRANSFORMS, **settings)
        self.app.settings.update(self.tornado_settings)
        hosts = edges.host_pattern(self.allowed_hosts)
        # A path no route takes is a plain 404 (not the refused-host page below).
        not_found = (r".*", tornado.web.ErrorHandler, {"status_code": 404})
        self.app.add_handlers(hosts, [*self.init_handlers(), not_found])
        if hosts != ".*$":
            self.app.add_handlers(".*$", [(r".*", edges.RefusedHostHandler)])
        self.listen()

    def listen(self):
        app_listen = self.app.listen

        def listen(port, address="", **kwargs):
            server = edges.CappedHTTPServer(self.app, **edges.HTTP_SERVER_OPTIONS, **kwargs)
            server.listen(port, address)
            return server

        self.app.listen = listen
        self._sweeper = PeriodicCallback(self._sweep, SWEEP_SECONDS * 1000)
        self._sweeper.start()
        try:
            super().listen()
        finally:
            self.app.listen = app_listen

    async def _sweep(self) -> None:
        """Shut down kernels that died under their page, whose page never connected, or that
        nobody has used for the idle lifetime; forget the reservations of ended kernels."""
        manager = self.kernel_manager
        for reservation in self.admission.connected_or_sent():
            kernel_id = reservation.kernel_id
            if kernel_id in manager:
                try:
                    alive = await ensure_async(manager.get_kernel(kernel_id).is_alive())
                except Exception:
                    alive = True
                if not alive:
                    await shut_down(manager, kernel_id, "it died under its page")
        for kernel_id in self.admission.overdue():
            await shut_down(manager, kernel_id, "its page never connected or went unused")
        live = manager.list_kernel_ids()
        self.admission.forget_ended(live)
        forget_ended_kernels(live)

    def setup_template_dirs(self):
        super().setup_template_dirs()
        # The page template includes the project's stylesheet inline (no extra request).
        self.template_paths.append(str(paths.stylesheet().parent))

    def init_handlers(self):
        handlers = [
            (h[0], _REPLACED.get(h[1], h[1]), *h[2:])
            for h in super().init_handlers()
            if not self._is_hidden(h[0])
        ]
        start = url_path_join(self.server_url, "voila/render", START_PAGE)
        redirects = [
            (url_path_join(self.server_url, r"/?"), tornado.web.RedirectHandler, {"url": start}),
            (
                url_path_join(self.server_url, r"/voila/tree(/.*)?"),
                tornado.web.RedirectHandler,
                {"url": start},
            ),
        ]
        return [*redirects, backgrounds.route(self.server_url), modules.route(self.server_url),
                *handlers]

    def _is_hidden(self, pattern: str) -> bool:
        root = url_path_join(self.server_url, "")
        return pattern.rstrip("/") == root.rstrip("/") or any(
            pattern.startswith(url_path_join(self.server_url, r)) for r in _HIDDEN_ROUTES
        )
