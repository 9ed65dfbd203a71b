"""The overlays declare anywidget's model themselves (`explainer.widgets.browser.model`), so a
viewer's kernel never imports anywidget's Python package (and psygnal with it). These tests
hold that declaration to the installed anywidget: the same synced names, the same model and
view names and versions, the same module text, as anywidget's own class would send."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import anywidget
import pytest

from explainer.widgets.browser.model import ANYWIDGET_MODULE_VERSION, BrowserModel
from explainer.widgets.browser.overlay import HERE, CursorOverlay, DiagramOverlay

STATE_NAMES = ("_model_name", "_model_module", "_model_module_version", "_view_name",
               "_view_module", "_view_module_version")


class _Reference(anywidget.AnyWidget):
    _esm = HERE / "overlay.js"
    _css = HERE / "overlay.css"


@pytest.mark.parametrize("overlay_class", [CursorOverlay, DiagramOverlay])
def test_the_overlays_send_what_anywidgets_own_class_sends(overlay_class):
    ours, theirs = overlay_class().get_state(), _Reference().get_state()
    for name in STATE_NAMES:
        assert ours[name] == theirs[name], name
    assert ours["_esm"] == theirs["_esm"] == (HERE / "overlay.js").read_text(encoding="utf-8")
    assert ours["_css"] == theirs["_css"]
    assert ours["_anywidget_id"] == f"{overlay_class.__module__}.{overlay_class.__name__}"
    # every name anywidget's class syncs, ours syncs too (ours adds the overlay's own traits)
    assert set(theirs) <= set(ours), set(theirs) - set(ours)


def test_the_module_version_is_the_installed_anywidgets():
    from anywidget._version import _ANYWIDGET_SEMVER_VERSION

    assert ANYWIDGET_MODULE_VERSION == _ANYWIDGET_SEMVER_VERSION


def test_a_model_without_a_stylesheet_sends_an_empty_one():
    class Bare(BrowserModel):
        _esm_file = HERE / "overlay.js"

    assert Bare().get_state()["_css"] == ""


def test_building_the_overlays_imports_neither_anywidget_nor_psygnal():
    code = ("import json, sys\nfrom explainer.widgets.browser.overlay import CursorOverlay\n"
            "CursorOverlay()\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'anywidget', 'psygnal'})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True, env=os.environ)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
