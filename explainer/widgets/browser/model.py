"""The kernel's half of an anywidget model, without importing anywidget's Python package.

anywidget's front end (its JupyterLab extension, which Voilà serves from the environment) draws
the overlays; its Python package only declares a `DOMWidget` whose model is anywidget's
`AnyModel` and sends the module's text as `_esm` (and the stylesheet as `_css`). Importing that
package also imports psygnal, for reloading module files as they change on disk (a development
aid the explainer never uses): 1.8 MB resident in every viewer's kernel on the diagram and
timeline pages (measured with `benchmarks/load.py --only memory`; docs/serving.md). So the
explainer declares the same model itself. `tests/test_browser_model.py` checks, against the
installed anywidget, that every synced name and value is the one anywidget's own class sends,
so a version bump that changes the protocol fails there and not in a viewer's browser.

    class MyOverlay(BrowserModel):
        _esm_file = HERE / "overlay.js"
        _css_file = HERE / "overlay.css"
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from pathlib import Path

import ipywidgets
import traitlets

from explainer.paths import BROWSER_MODULES, MODULES_URL_ENV_VAR

__all__ = ["ANYWIDGET_MODULE_VERSION", "BrowserModel"]

ANYWIDGET_MODULE_VERSION = "~0.11.*"
"""The front-end module version anywidget 0.11 (pinned in pyproject.toml) asks for."""


@cache
def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@cache
def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()  # as the server names it


def _esm(path: Path) -> str:
    """The `_esm` a model sends: under the explainer's server (which serves the module by the
    hash of its content, `explainer.serving.modules`), one line importing that URL, so the
    browser fetches the module once and caches it rather than every state message carrying it;
    elsewhere (JupyterLab, a test) the module's text."""
    prefix = os.environ.get(MODULES_URL_ENV_VAR)
    if not prefix or path not in BROWSER_MODULES:
        return _text(path)
    name = _digest(path)
    url = json.dumps(f"{prefix}{name}.js")
    return (f"const m = await import(new URL({url}, location.href).href);\n"
            "export default m.default;\n")


class BrowserModel(ipywidgets.DOMWidget):
    """A widget drawn by a module running in the page (anywidget's `AnyModel` / `AnyView`)."""

    _model_name = traitlets.Unicode("AnyModel").tag(sync=True)
    _model_module = traitlets.Unicode("anywidget").tag(sync=True)
    _model_module_version = traitlets.Unicode(ANYWIDGET_MODULE_VERSION).tag(sync=True)
    _view_name = traitlets.Unicode("AnyView").tag(sync=True)
    _view_module = traitlets.Unicode("anywidget").tag(sync=True)
    _view_module_version = traitlets.Unicode(ANYWIDGET_MODULE_VERSION).tag(sync=True)
    _esm = traitlets.Unicode().tag(sync=True)
    _css = traitlets.Unicode().tag(sync=True)
    _anywidget_id = traitlets.Unicode().tag(sync=True)

    _esm_file: Path
    _css_file: Path | None = None

    def __init__(self, **kwargs):
        cls = type(self)
        kwargs.setdefault("_esm", _esm(cls._esm_file))
        if cls._css_file is not None:
            kwargs.setdefault("_css", _text(cls._css_file))
        kwargs.setdefault("_anywidget_id", f"{cls.__module__}.{cls.__name__}")
        super().__init__(**kwargs)

    def __repr__(self) -> str:  # as anywidget's: no serialising of a large pack to print it
        return object.__repr__(self)
