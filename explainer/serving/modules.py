"""The overlays' browser module as a static file: `/kx-modules/<sha256>.js`, cached forever.

The overlay module (`explainer/widgets/browser/overlay.js`, about 10 KB) used to travel as the
text of each overlay widget's `_esm` trait: in every viewer's state message, once per overlay
(the timeline page has two). Served here, a kernel sends a one-line module that imports this
URL (`explainer.widgets.browser.model`), and the browser keeps the file (`immutable`: the name
is the hash of the content, so a changed module is a new URL).

Only the files in `paths.BROWSER_MODULES` are served, each under the SHA-256 of its content; any
other name is no route (404). The server tells its kernels the URL prefix through
`$KETAMINE_EXPLAINER_MODULES_URL` (`paths.MODULES_URL_ENV_VAR`) before any kernel starts; a kernel
without it (JupyterLab, a test) sends the module's text as before.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache

from jupyter_server.utils import url_path_join

from explainer import paths
from explainer.serving.backgrounds import HashedFileHandler

ROUTE = "kx-modules/"


def digest(data: bytes) -> str:
    """The name a module is served under (and the kernel's stub imports)."""
    return hashlib.sha256(data).hexdigest()


@cache
def known_modules() -> dict[str, bytes]:
    """SHA-256 of content -> the bytes of each browser module (the overlays', `Nearby`'s),
    read once."""
    found = {}
    for path in paths.BROWSER_MODULES:
        data = path.read_bytes()
        found[digest(data)] = data
    return found


def route(server_url: str) -> tuple:
    """The tornado route for the modules under `server_url`."""
    pattern = url_path_join(server_url, ROUTE, r"([0-9a-f]{64})\.js")
    return (pattern, HashedFileHandler,
            {"lookup": known_modules().get, "content_type": "text/javascript; charset=utf-8"})


def preload_links(base_url: str) -> str:
    """`<link rel="modulepreload">` for each module (the page template's filter
    ``module_preload``): the browser fetches the module while the kernel starts, so the
    overlay's one-line import finds it ready. anywidget gives a model 2 s to load its module;
    fetched only then, through a slow connection, it could run out (a page error)."""
    from html import escape

    return "".join(f'<link rel="modulepreload" href="{escape(url_path_join(base_url, ROUTE))}'
                   f'{name}.js">' for name in known_modules())


def tell_kernels(base_url: str) -> None:
    """Set the URL prefix kernels started from now on import the modules from."""
    os.environ[paths.MODULES_URL_ENV_VAR] = url_path_join(base_url, ROUTE)
