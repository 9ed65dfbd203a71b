"""Moved to :mod:`explainer.paths` (where files are on disk is not a serving concern); this
re-export keeps old imports working."""

from explainer.paths import (  # noqa: F401
    ASSETS_ENV_VAR,
    JUPYTER_DATA_DIR,
    PACKAGE_DIR,
    REPO_DIR,
    assets_dir,
    locale,
    mpl_style,
    notebooks_dir,
    strings_dir,
    stylesheet,
)
