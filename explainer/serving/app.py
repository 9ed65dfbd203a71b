"""`ExplainerVoila`: Voilà with a start page at `/`, no file listing and no contents API."""

from __future__ import annotations

import tornado.web
from jupyter_server.utils import url_path_join
from voila.app import Voila
from voila.request_info_handler import RequestInfoSocketHandler
from voila.static_file_handler import TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from explainer import paths
from explainer.serving.config import START_PAGE
from explainer.serving.templates import share_compiled_templates
from explainer.serving.websocket import GuardedKernelWebsocketHandler

_HIDDEN_ROUTES = ("/voila/tree", "/voila/api/contents")


class StrictTemplateStaticFileHandler(TemplateStaticFileHandler):
    """Voilà's template static files, answering 404 (not 500) to malformed or `..` paths."""

    def parse_url_path(self, path):
        parts = path.split("/")
        if len(parts) < 3 or parts[1] != "static" or any(p in ("", ".", "..") for p in parts):
            raise tornado.web.HTTPError(404)
        return super().parse_url_path(path)


class PageHandler(TornadoVoilaHandler):
    """Voilà's page handler, also setting the `_xsrf` cookie.

    Voilà's page asks the server to shut its kernel down when it closes (a beacon to
    /voila/api/shutdown), but the server rejects that POST without an `_xsrf` cookie, which
    the page handler never sets; so closed pages left their kernels running until culled.
    """

    async def get(self, path=None):
        _ = self.xsrf_token  # sets the cookie the shutdown beacon sends back
        forget_ended_requests(self.kernel_manager.list_kernel_ids())
        return await super().get(path)


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

    def initialize(self, argv=None):
        share_compiled_templates()  # parse and compile the page templates once, not per page
        super().initialize(argv)

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
        return redirects + handlers

    def _is_hidden(self, pattern: str) -> bool:
        root = url_path_join(self.server_url, "")
        return pattern.rstrip("/") == root.rstrip("/") or any(
            pattern.startswith(url_path_join(self.server_url, r)) for r in _HIDDEN_ROUTES
        )
