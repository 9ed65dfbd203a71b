"""Where the project's files live (the checkout), with environment overrides for a clinic."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
JUPYTER_DATA_DIR = PACKAGE_DIR / "serving" / "jupyter"
"""Holds `voila/templates/kx`, the project's Voilà template."""


ASSETS_ENV_VAR = "KETAMINE_EXPLAINER_ASSETS"
CACHE_ENV_VAR = "KETAMINE_EXPLAINER_CACHE"
BACKGROUNDS_URL_ENV_VAR = "KETAMINE_EXPLAINER_BACKGROUNDS_URL"
"""Set by the server for its kernels: the URL prefix its figure backgrounds are served under
(`explainer.serving.backgrounds`); unset, a kernel sends each background in the widget state."""
MODULES_URL_ENV_VAR = "KETAMINE_EXPLAINER_MODULES_URL"
"""Set by the server for its kernels: the URL prefix the overlays' browser module is served under
(`explainer.serving.modules`); unset, a kernel sends the module's text in the widget state."""
BROWSER_MODULES = tuple(PACKAGE_DIR / "widgets" / "browser" / name
                        for name in ("overlay.js", "nearby.js"))
"""The browser modules the server serves by hash (the `_esm` files of the overlays and of
`Nearby`)."""


def cache_dir() -> Path:
    """Where work done once is kept between processes (`$KETAMINE_EXPLAINER_CACHE`): the
    figures' rendered backgrounds and frames, and rendered Markdown. Every viewer's kernel is
    a new process; this folder is how the second viewer skips the first one's work."""
    env = os.environ.get(CACHE_ENV_VAR)
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "ketamine-explainer" / "backgrounds"


def assets_dir() -> Path:
    """The assets folder; `$KETAMINE_EXPLAINER_ASSETS` points elsewhere (a clinic's own copy)."""
    env = os.environ.get(ASSETS_ENV_VAR)
    return Path(env).expanduser().resolve() if env else REPO_DIR / "assets"


BASE_LOCALE = "en-GB"
"""The base locale: its folder holds every word file complete (today's British English); every
other locale's folder is an overlay of only what differs (``assets/locales.yaml``)."""
DEFAULT_LOCALE = BASE_LOCALE
"""The language shown when neither the page's link nor the clinic names one."""


def locale() -> str:
    """The default locale of the string tables: a folder name under `assets/`."""
    return DEFAULT_LOCALE


def locale_dir(locale_name: str | None = None, root: Path | None = None) -> Path:
    """One locale's folder of word files: `assets/<locale>/` (strings/, content/, pages/,
    quiz.yaml, protocols.yaml). Only `explainer.content.strings` reads from it."""
    return (root if root is not None else assets_dir()) / (locale_name or locale())


def strings_dir() -> Path:
    """The folder of string tables for the current locale: `assets/<locale>/strings/`."""
    return locale_dir() / "strings"


def notebooks_dir() -> Path:
    """The folder of pages Voilà serves."""
    return REPO_DIR / "notebooks"


def stylesheet() -> Path:
    """The one CSS file shared by every page."""
    return assets_dir() / "styles" / "explainer.css"


def mpl_style() -> Path:
    """The one matplotlib style file shared by every figure."""
    return assets_dir() / "styles" / "explainer.mplstyle"
