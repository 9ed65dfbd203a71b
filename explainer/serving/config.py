"""The Voilà configuration a clinic gets: every safety choice in one place, each one tested.

`build_config(options)` returns a traitlets `Config` for `ExplainerVoila`; the console command
turns its flags into `ServeOptions`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from traitlets.config import Config

from explainer.serving.admission import MAX_KERNELS_PER_CLIENT, RESERVATION_SECONDS
from explainer.serving.edges import (
    CONTENT_SECURITY_POLICY,
    LOCALHOST,
    allowed_hosts,
    without_versions,
)

START_PAGE = "start.ipynb"
FILE_ALLOWLIST = [r"images/[\w\-]+\.(png|svg|jpg)"]
"""Only images under notebooks/images/ may be fetched through /voila/files/."""
FILE_DENYLIST = [r".*\.(ipynb|py|pyc|toml|cfg|ini|json|yaml|yml|md|txt|sh|env)", r"(.*/)?\..*"]
"""Notebook sources, code, configuration and dot-files are never served, allowlisted or not."""


MAX_MESSAGE_BYTES = 1024 * 1024
"""Largest websocket frame a viewer may send (tornado closes the socket past it); the browser
sends widget updates of a few hundred bytes."""


MAX_POOL = 200
"""The most kernels one page's pool may keep warm (each holds 45–65 MB while it waits)."""
MAX_REFILL_SECONDS = 600.0
NOTEBOOK_NAME = re.compile(r"[\w-]+(/[\w-]+)*\.ipynb")


@dataclass(frozen=True)
class ServeOptions:
    """What a clinic may choose when serving; defaults are the safe ones."""

    host: str = LOCALHOST
    port: int = 8866
    open_browser: bool = False
    cull_idle_seconds: int = 600
    """Kernels idle this long with no page connected are shut down (10 minutes)."""
    cull_interval_seconds: int = 60
    preheat: int = 0
    """Kernels kept warm per page; 0 turns preheating off (see benchmarks/ for the measurement)."""
    preheat_pages: tuple[tuple[str, int], ...] = ()
    """(notebook, kernels) pairs: pools for particular pages, over `preheat` (a lecture's one
    link: `("start.ipynb", 20)`). Each warm kernel holds its page's memory while it waits."""
    pool_refill_seconds: float = 1.0
    """How long a pool waits after handing out a kernel before starting its replacement
    (Voilà's default is 1 s). Longer keeps a burst of arrivals from competing with the
    refills; a viewer who arrives when the pool is empty waits for a refill, this long and
    more (docs/serving.md, "Warm pools", has the measurement)."""
    notebook_dir: Path | None = None
    base_url: str = "/"
    """The path every page lives under ("/user/alice/" when JupyterHub spawns it)."""
    clinic_file: Path | None = None
    """A clinic configuration file (validated before the server starts)."""
    max_kernels: int = 0
    """Most viewers' kernels at once; 0 sizes it from the machine (`admission`)."""
    max_kernels_per_client: int = MAX_KERNELS_PER_CLIENT
    trusted_proxies: tuple[str, ...] = ()
    """Addresses (the project's nginx) whose `X-Forwarded-For` names the client."""
    reservation_seconds: int = int(RESERVATION_SECONDS)
    """A page's kernel whose page has not connected this long after it was sent is shut down."""
    allowed_hosts: tuple[str, ...] = ()
    """Host names answered besides loopback and `host` ("*": any, as behind JupyterHub)."""
    fork_kernels: bool = True
    """Fork viewers' kernels from one parent that has imported what pages need
    (explainer.serving.forkserver); False starts each as a new process, as Voilà does."""

    def __post_init__(self):
        if not 1 <= self.port <= 65535:
            raise ValueError(f"port must be between 1 and 65535, got {self.port}")
        if self.cull_idle_seconds < 1 or self.cull_interval_seconds < 1:
            raise ValueError("cull times must be at least 1 second")
        if not 0 <= self.preheat <= MAX_POOL:
            raise ValueError(f"preheat must be 0 (off) or a pool size up to {MAX_POOL}, "
                             f"got {self.preheat}")
        for page, size in self.preheat_pages:
            if not NOTEBOOK_NAME.fullmatch(page):
                raise ValueError(f"a preheated page is a notebook like start.ipynb, got {page!r}")
            if not 0 <= size <= MAX_POOL:
                raise ValueError(f"{page}: a pool size from 0 to {MAX_POOL}, got {size}")
        if not 0 <= self.pool_refill_seconds <= MAX_REFILL_SECONDS:
            raise ValueError(f"a pool's refill delay is 0 to {MAX_REFILL_SECONDS} seconds, "
                             f"got {self.pool_refill_seconds}")
        if self.max_kernels < 0 or self.max_kernels_per_client < 1:
            raise ValueError("kernel caps must be positive (0 sizes the global cap from the "
                             "machine)")
        if not re.fullmatch(r"/([\w.~-]+/)*", self.base_url):
            raise ValueError(f"base URL must be a path like /user/name/, got {self.base_url!r}")


IPC_PATH_MAX = 107
"""The longest Unix socket path the system takes (`sizeof(sockaddr_un.sun_path)` - 1)."""
_SOCKET_NAME = "/voila_xxxxxxxx/kernel-00000000-0000-0000-0000-000000000000-ipc-99999"
"""The longest socket file name Voilà and jupyter_client make under the temporary folder."""


def kernel_transport(temp_root: str | None = None) -> str:
    """"ipc" (Unix sockets in Voilà's private folder under the temporary folder) where the
    socket paths fit the system's limit, else "tcp" (a long `$TMPDIR` would make every kernel
    fail to start with "File name too long")."""
    import tempfile

    root = temp_root if temp_root is not None else tempfile.gettempdir()
    return "ipc" if len(root.rstrip("/") + _SOCKET_NAME) <= IPC_PATH_MAX else "tcp"


def build_config(options: ServeOptions) -> Config:
    """The traitlets configuration for one Voilà process."""
    c = Config()
    c.Voila.ip = options.host
    c.Voila.port = options.port
    c.Voila.port_retries = 0
    c.Voila.base_url = options.base_url
    c.Voila.open_browser = options.open_browser
    # Admission control and the HTTP edges (explainer.serving.admission, .edges).

    ev = c.ExplainerVoila
    ev.max_kernels = options.max_kernels
    ev.max_kernels_per_client = options.max_kernels_per_client
    ev.trusted_proxies = list(options.trusted_proxies)
    ev.reservation_seconds = options.reservation_seconds
    ev.allowed_hosts = list(allowed_hosts(options.host, options.allowed_hosts))
    # No 30-day `username-…` identity cookie for anonymous viewers.
    c.Voila.identity_provider_class = "explainer.serving.app.NoCookieIdentityProvider"
    # A kernel that dies is not replaced by an empty one behind its page: the server's sweep
    # closes its page's socket (the page says so) and lets it go.
    c.KernelManager.autorestart = False
    c.Voila.tornado_settings = {
        "headers": {
            "Content-Security-Policy": CONTENT_SECURITY_POLICY,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
        # Tornado's own HTML error pages would show a traceback in debug mode: keep it off.
        "debug": False,
        "serve_traceback": False,
        # A viewer's websocket frames are small widget updates (see serving/websocket.py).
        "websocket_max_message_size": MAX_MESSAGE_BYTES,
    }
    # Study notebooks cite sources as [@key] in markdown; the page template links them.
    # The page's scripts take their words from the site strings (explainer.pages.words_json).
    c.VoilaExporter.filters = {
        "cite_markdown": "explainer.content.markdown.citations.cite_markdown",
        "site_words_json": "explainer.pages.words_json",
        "module_preload": "explainer.serving.modules.preload_links"}
    # Bounded frame parsing, a rate limit, and no tracebacks or stderr to the viewer.
    c.Voila.kernel_websocket_connection_class = (
        "explainer.serving.websocket.GuardedChannelsConnection")
    vc = c.VoilaConfiguration
    vc.template = "kx"
    vc.theme = "light"
    vc.strip_sources = True
    vc.show_tracebacks = False
    vc.allow_template_override = "NO"
    vc.allow_theme_override = "NO"
    vc.page_config_hook = without_versions
    vc.file_allowlist = FILE_ALLOWLIST
    vc.file_denylist = FILE_DENYLIST
    pools = dict(options.preheat_pages)
    vc.preheat_kernel = options.preheat > 0 or any(pools.values())
    vc.default_pool_size = options.preheat
    if pools:  # Voilà's pools by notebook path, and the default for every other page
        c.VoilaKernelManager.kernel_pools_config = {
            "default": {"pool_size": options.preheat},
            **{page: {"pool_size": size} for page, size in pools.items()}}
    if vc.preheat_kernel:
        c.VoilaKernelManager.fill_delay = float(options.pool_refill_seconds)
    # Idle kernels of closed pages are culled; a page that stays open keeps its kernel.
    # Kernels talk to the server over Unix sockets in Voilà's private runtime folder, not
    # loopback TCP ports: with TCP, kernels starting together sometimes pick a port another
    # connection took in the meantime ("Address already in use"), and the viewer waits 60 s for
    # an error (seen in bursts of 20 arrivals; docs/serving.md, "Kernel transport"). Unix
    # sockets cannot collide, and no other user of the machine can reach a kernel's port.
    # (TCP only where a very long $TMPDIR would make the socket paths too long.)
    c.KernelManager.transport = kernel_transport()
    # Viewers' kernels forked from one parent (the kernelspec names the provisioner).
    c.ForkedProvisioner.fork = options.fork_kernels
    km = c.MappingKernelManager
    km.cull_idle_timeout = options.cull_idle_seconds
    km.cull_interval = options.cull_interval_seconds
    km.cull_connected = False
    km.cull_busy = False
    return c
