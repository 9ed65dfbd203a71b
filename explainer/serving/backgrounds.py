"""The figures' still backgrounds as static files: `/kx-backgrounds/<sha256>.png`, cached forever.

A figure's background is a PNG of 60-130 KB that every viewer of a page gets, identical. Sent
inside the widget state (a buffer of an `Image` widget) it is sent again to every viewer and
held again in every kernel; served here, the kernel sends only its URL, the browser keeps the
file (`Cache-Control: immutable`: the name is the hash of the content, so a changed figure is a
new URL), and a kernel need not hold the bytes at all.

What is served is only what the kernels rendered: the PNG files in the background cache folder
(`explainer.paths.cache_dir`), indexed by the SHA-256 of their content. The URL names a hash,
never a path: a name that is not 64 lowercase hex digits is no route at all (404), and a hash
not in the index is 404 after a fresh look at the folder only if the folder has changed since
the last look (a kernel has just rendered a background: its viewer's browser asks for it next)
or `RESCAN_SECONDS` have passed (so guessing costs one `stat` of the folder, and cannot make the
server read it more often than that). The files are read once
and kept in memory (at most `MAX_FILES` of at most `MAX_BYTES` each).

The server tells its kernels where the files are through `$KETAMINE_EXPLAINER_BACKGROUNDS_URL`
(`explainer.paths.BACKGROUNDS_URL_ENV_VAR`); a kernel without it (JupyterLab, a test) or whose
background is not in the cache folder (a read-only cache) sends the PNG in the state as before.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable

import tornado.web
from jupyter_server.utils import url_path_join

from explainer import paths

ROUTE = "kx-backgrounds/"
MAX_FILES = 64
"""A few dozen backgrounds exist (each figure, in landscape and portrait); more is not ours."""
MAX_BYTES = 2 * 2**20
RESCAN_SECONDS = 1.0
CACHE_CONTROL = "public, max-age=31536000, immutable"


class BackgroundIndex:
    """SHA-256 of content -> the PNG bytes of each background in the cache folder."""

    def __init__(self, folder_getter=paths.cache_dir, clock=time.monotonic):
        self._folder = folder_getter
        self._clock = clock
        self._files: dict[str, bytes] = {}
        self._scanned_at: float | None = None
        self._scanned_version: int | None = None
        """The folder's modification time (ns) at the last look."""

    def get(self, digest: str) -> bytes | None:
        """The PNG whose content hashes to `digest`, or None (looking again at the folder if it
        has changed, or at most once per `RESCAN_SECONDS` if not)."""
        found = self._files.get(digest)
        if found is None and self._may_rescan():
            self._scan()
            found = self._files.get(digest)
        return found

    def _may_rescan(self) -> bool:
        now = self._clock()
        try:
            version = os.stat(self._folder()).st_mtime_ns
        except OSError:
            version = None
        changed = version is not None and version != self._scanned_version
        if (not changed and self._scanned_at is not None
                and now - self._scanned_at < RESCAN_SECONDS):
            return False
        self._scanned_at, self._scanned_version = now, version
        return True

    def _scan(self) -> None:
        try:
            entries = sorted(os.scandir(self._folder()), key=lambda e: e.name)
        except OSError:
            return
        files: dict[str, bytes] = {}
        for entry in entries:
            if len(files) >= MAX_FILES:
                break
            try:
                if (not entry.name.endswith(".png") or not entry.is_file(follow_symlinks=False)
                        or entry.stat().st_size > MAX_BYTES):
                    continue
                with open(entry.path, "rb") as f:
                    data = f.read(MAX_BYTES + 1)
            except OSError:
                continue
            if len(data) <= MAX_BYTES and data.startswith(b"\x89PNG\r\n\x1a\n"):
                files[hashlib.sha256(data).hexdigest()] = data
        self._files = files


class HashedFileHandler(tornado.web.RequestHandler):
    """GET of one file by the hash of its content (`lookup(digest)` gives its bytes or None),
    cached forever: the backgrounds here, the overlays' module (`explainer.serving.modules`)."""

    def initialize(self, lookup: Callable[[str], bytes | None], content_type: str) -> None:
        self.lookup, self.content_type = lookup, content_type

    def get(self, digest: str) -> None:
        data = self.lookup(digest)
        if data is None:
            raise tornado.web.HTTPError(404)
        self.set_header("Content-Type", self.content_type)
        self.set_header("Cache-Control", CACHE_CONTROL)
        self.set_header("X-Content-Type-Options", "nosniff")
        self.finish(data)  # with the hash as its ETag: a revalidation is answered 304

    def compute_etag(self) -> str:
        return f'"{self.path_args[0]}"'


def route(server_url: str, index: BackgroundIndex | None = None) -> tuple:
    """The tornado route for the backgrounds under `server_url`."""
    pattern = url_path_join(server_url, ROUTE, r"([0-9a-f]{64})\.png")
    return (pattern, HashedFileHandler,
            {"lookup": (index or BackgroundIndex()).get, "content_type": "image/png"})


def tell_kernels(base_url: str) -> None:
    """Set the URL prefix kernels started from now on use for the backgrounds."""
    os.environ[paths.BACKGROUNDS_URL_ENV_VAR] = url_path_join(base_url, ROUTE)
