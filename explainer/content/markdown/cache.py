"""Rendered Markdown kept between processes, so a viewer's kernel need not import markdown-it.

Every viewer's kernel is a new process, and the content's Markdown is the same for all of them:
rendering it again in each cost the walkthrough's kernel about 0.1 s of CPU at start (a burst of
20 arrivals pays it 20 times), and markdown-it itself is 1.1 MB resident in each. So the
results of the renderers (`_markdown.to_html`, `to_text`, `has_raw_html`,
`pages.markdown_html`) are kept in one JSON file in the cache folder (`paths.cache_dir()`,
beside the figures' backgrounds), keyed by a digest of each source text; the file's own name
carries a digest of markdown-it's version file and of the modules that render, so a change to
either starts a new file. A text not in the file is rendered in the process, as before, and the
process adds it to the file when it saves (after each cell the viewer's kernel runs, and at
exit). A damaged file is ignored and replaced.

    html = markdown_cache.cached("html", text, render)   # render(text) only on a miss

The folder belongs to the server's user (like the backgrounds it holds); the HTML in it goes
into pages, so it must not be writable by anyone else (docs/serving.md, "A viewer's kernel").
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.util
import json
import os
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from explainer.paths import PACKAGE_DIR, cache_dir

__all__ = ["cached", "clear", "file_path", "save"]

T = TypeVar("T")
RENDERERS = ("content/markdown/render.py", "pages.py")
"""The modules whose renderers are cached (their sources key the file)."""

_entries: dict[str, dict[str, Any]] | None = None
_new = 0
_exit_hook = False


@cache
def _file_key() -> str:
    h = hashlib.sha256()
    spec = importlib.util.find_spec("markdown_it")  # finds the package; runs none of it
    if spec is not None and spec.origin:
        h.update(Path(spec.origin).read_bytes())  # its __init__.py names its version
    for name in RENDERERS:
        h.update((PACKAGE_DIR / name).read_bytes())
    return h.hexdigest()[:20]


def file_path() -> Path:
    """The cache file of this markdown-it version and these renderers."""
    return cache_dir() / f"markdown-{_file_key()}.json"


def _read(path: Path) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        return {}
    return data


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def cached(kind: str, text: str, render: Callable[[str], T]) -> T:
    """`render(text)`, from the file when an earlier process rendered the same text."""
    global _entries, _new, _exit_hook
    if _entries is None:
        _entries = _read(file_path())
    table = _entries.setdefault(kind, {})
    key = _digest(text)
    if key in table:
        return table[key]
    value = render(text)
    table[key] = value
    _new += 1
    if not _exit_hook:
        atexit.register(save)
        _exit_hook = True
    return value


def save() -> None:
    """Add this process's new renderings to the file (merged with what other processes wrote
    meanwhile; written whole to a temporary file, then renamed). Never raises: a folder that
    cannot be written leaves the next process rendering for itself."""
    global _new
    if not _new or _entries is None:
        return
    path = file_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        merged = _read(path)
        for kind, table in list(_entries.items()):  # copies: a background thread may add
            merged.setdefault(kind, {}).update(dict(table))
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".markdown-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(merged, out, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, path)
        _new = 0
    except OSError:
        pass


def clear() -> None:
    """Forget what this process read or rendered (tests; a changed cache folder)."""
    global _entries, _new
    _entries, _new = None, 0
