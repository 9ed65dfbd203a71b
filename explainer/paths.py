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


DEFAULT_LOCALE = "en-GB"
"""The language of every visible string today (British English)."""


def locale() -> str:
    """The one place that picks the language of the string tables: a folder name under
    `assets/strings/` (`en-GB` today; a `en-US` or `fr-FR` folder of the same files would be
    a new language without a code change)."""
    return DEFAULT_LOCALE


def strings_dir() -> Path:
    """The folder of string tables for the current locale: `assets/strings/<locale>/`."""
    return assets_dir() / "strings" / locale()


def notebooks_dir() -> Path:
    """The folder of pages Voilà serves."""
    return REPO_DIR / "notebooks"


def stylesheet() -> Path:
    """The one CSS file shared by every page."""
    return assets_dir() / "styles" / "explainer.css"


def mpl_style() -> Path:
    """The one matplotlib style file shared by every figure."""
    return assets_dir() / "styles" / "explainer.mplstyle"
