"""Where the project's files live (the checkout), with environment overrides for a clinic."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]
REPO_DIR = PACKAGE_DIR.parent
JUPYTER_DATA_DIR = Path(__file__).resolve().parent / "jupyter"
"""Holds `voila/templates/kx`, the project's Voilà template."""


ASSETS_ENV_VAR = "KETAMINE_EXPLAINER_ASSETS"


def assets_dir() -> Path:
    """The assets folder; `$KETAMINE_EXPLAINER_ASSETS` points elsewhere (a clinic's own copy)."""
    env = os.environ.get(ASSETS_ENV_VAR)
    return Path(env).expanduser().resolve() if env else REPO_DIR / "assets"


def notebooks_dir() -> Path:
    """The folder of pages Voilà serves."""
    return REPO_DIR / "notebooks"


def stylesheet() -> Path:
    """The one CSS file shared by every page."""
    return assets_dir() / "styles" / "explainer.css"


def mpl_style() -> Path:
    """The one matplotlib style file shared by every figure."""
    return assets_dir() / "styles" / "explainer.mplstyle"
