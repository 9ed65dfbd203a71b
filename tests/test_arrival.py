"""A cheaper arrival (issue 26): widgets share their Layouts and Styles, figure backgrounds go by
URL to a static route that serves only hashes it knows, and the timeline's embedded diagram sends
its frames once it draws. (The pages themselves, with these, are driven in Chromium by
tests/test_browser_timeline.py and the other page tests; the sizes are measured by
benchmarks/arrival.py.)"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections import Counter
from unittest import mock

import ipywidgets as widgets
import pytest
import tornado.testing
import tornado.web

from explainer.figures import pain_signal as pain_fig
from explainer.paths import BACKGROUNDS_URL_ENV_VAR, CACHE_ENV_VAR, MODULES_URL_ENV_VAR
from explainer.serving import backgrounds, modules
from explainer.widgets.figure_view import FigureView, background_image
from explainer.widgets.shared_models import shared_models
from harness.server import REPO

# --- shared Layouts and Styles ---------------------------------------------------------------


def test_widgets_made_in_the_block_share_one_frozen_layout_and_style_of_each_kind():
    with shared_models():
        a, b = widgets.HTML("a"), widgets.HTML("b")
        box = widgets.VBox([a, b])
        own = widgets.HTML("c", layout=widgets.Layout())
        button = widgets.Button(description="x")
    assert a.layout is b.layout is box.layout is button.layout
    assert own.layout is not a.layout
    assert a.style is b.style and type(a.style).__name__ == "SharedHTMLStyle"
    assert button.style is not a.style  # a Button's style is another kind
    with pytest.raises(AttributeError, match="shared by many widgets"):
        a.layout.display = "none"
    with pytest.raises(AttributeError, match="shared by many widgets"):
        a.style.font_size = "2em"
    assert a.layout.display is None
    own.layout.display = "none"  # a widget's own layout changes as before
    after = widgets.HTML("d")
    assert after.layout is not a.layout  # outside the block ipywidgets' defaults are back
    after.layout.display = "none"


def _page_models(build):
    """The widget models `build()` makes (by model name), and their states' total JSON size."""
    before = set(widgets.Widget.widgets)
    with mock.patch("IPython.display.display"):
        result = build()
    made = {k: w for k, w in widgets.Widget.widgets.items() if k not in before}
    kinds = Counter(w.get_state()["_model_name"] for w in made.values())
    size = 0
    for w in made.values():
        state, _paths, buffers = widgets.widget._remove_buffers(w.get_state())
        size += len(json.dumps(state)) + sum(len(b) for b in buffers)
    return result, kinds, size


def test_the_timeline_page_is_built_with_few_layouts_and_its_views_still_show_and_hide(
        monkeypatch, tmp_path):
    monkeypatch.setenv(BACKGROUNDS_URL_ENV_VAR, "/kx-backgrounds/")
    monkeypatch.setenv(MODULES_URL_ENV_VAR, "/kx-modules/")   # as the explainer's server does
    from explainer.widgets.timeline.page import page_widgets

    def build():
        with shared_models():
            return page_widgets("trainee")

    (_switch, timeline, pain_box, _note, _links), kinds, size = _page_models(build)
    assert kinds["LayoutModel"] <= 25, kinds  # 71 before: one per widget
    assert sum(n for k, n in kinds.items() if k.endswith("StyleModel")) <= 30, kinds  # 46
    assert size <= 150 * 1024, size  # the state message (558 KB before)
    for view in ("course", "routes", "session"):  # each hides and shows parts of the page
        timeline.state.view = view
        assert timeline.error.value == "", timeline.error.value
    assert timeline.session_view.layout.display is None
    assert pain_box.layout.display is None
    timeline.state.view = "routes"
    assert pain_box.layout.display == "none"


def test_the_timeline_diagram_sends_its_frames_once_it_draws():
    from explainer.widgets.timeline.page import page_widgets

    with mock.patch("IPython.display.display"), shared_models():
        _switch, _timeline, pain_box, _note, _links = page_widgets("patient")
    pain = pain_box.section.build()
    overlay = pain.browser.overlay
    assert overlay.pack == {}  # not in the first state message
    overlay.live = True  # the page says it draws
    assert overlay.pack["levels"] and overlay.pack["states"]
    assert pain.error.value == ""


# --- backgrounds by URL -----------------------------------------------------------------------


def test_a_figure_sends_its_background_by_url_when_the_server_serves_the_cache(monkeypatch):
    scene = pain_fig.diagram_scene("landscape")
    monkeypatch.delenv(BACKGROUNDS_URL_ENV_VAR, raising=False)
    size = {"width": f"{scene.width_px:g}", "height": f"{scene.height_px:g}"}
    assert background_image(scene) == {"value": scene.background_png(), "format": "png", **size}
    monkeypatch.setenv(BACKGROUNDS_URL_ENV_VAR, "/base/kx-backgrounds/")
    view = FigureView(scene, "label")
    digest = hashlib.sha256(scene.background_png()).hexdigest()
    assert view.background.format == "url"
    assert bytes(view.background.value) == f"/base/kx-backgrounds/{digest}.png".encode()
    assert backgrounds.BackgroundIndex().get(digest) == scene.background_png()  # the server's
    portrait = pain_fig.diagram_scene("portrait")
    view.set_scene(portrait)
    assert bytes(view.background.value).endswith(
        f"{hashlib.sha256(portrait.background_png()).hexdigest()}.png".encode())
    # the shape goes with the picture: the browser reserves its box before the PNG arrives
    assert (view.background.width, view.background.height) == (
        f"{portrait.width_px:g}", f"{portrait.height_px:g}")


def test_a_background_not_in_the_cache_folder_is_sent_as_png(monkeypatch, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(CACHE_ENV_VAR, str(blocked / "cache"))  # cannot be made
    monkeypatch.setenv(BACKGROUNDS_URL_ENV_VAR, "/kx-backgrounds/")
    from explainer.figures.scene import Scene

    source = pain_fig.diagram_scene("landscape")
    scene = Scene(lambda: source.fig, (source.width_px, source.height_px), "kx-test-unwritable")
    shown = background_image(scene)
    assert shown["format"] == "png" and shown["value"].startswith(b"\x89PNG")


class _App(tornado.testing.AsyncHTTPTestCase):
    folder = None

    def get_app(self):
        self.clock = [0.0]
        self.index = backgrounds.BackgroundIndex(lambda: self.folder, lambda: self.clock[0])
        return tornado.web.Application([backgrounds.route("/base/", self.index)])


PNG = b"\x89PNG\r\n\x1a\n" + b"picture" * 10


@pytest.fixture
def served(tmp_path):
    """A test server over a cache folder holding one PNG and some things that are not ones."""
    (tmp_path / "figure-abc.png").write_bytes(PNG)
    (tmp_path / "notes.txt").write_bytes(b"secret")
    (tmp_path / "fake.png").write_bytes(b"not a png")
    _App.folder = tmp_path
    case = _App("run")
    case.setUp()
    yield case
    case.tearDown()


def test_the_route_serves_a_known_hash_as_an_immutable_png(served):
    digest = hashlib.sha256(PNG).hexdigest()
    resp = served.fetch(f"/base/kx-backgrounds/{digest}.png")
    assert resp.code == 200 and resp.body == PNG
    assert resp.headers["Content-Type"] == "image/png"
    assert "immutable" in resp.headers["Cache-Control"]
    again = served.fetch(f"/base/kx-backgrounds/{digest}.png",
                         headers={"If-None-Match": resp.headers["Etag"]})
    assert again.code == 304


@pytest.mark.parametrize("path", [
    "/base/kx-backgrounds/" + "0" * 64 + ".png",                          # unknown hash
    "/base/kx-backgrounds/" + hashlib.sha256(b"secret").hexdigest() + ".png",  # not a PNG
    "/base/kx-backgrounds/" + hashlib.sha256(b"not a png").hexdigest() + ".png",
    "/base/kx-backgrounds/figure-abc.png",                                 # a name, not a hash
    "/base/kx-backgrounds/../notes.txt",
    "/base/kx-backgrounds/%2e%2e%2fnotes.txt",
    "/base/kx-backgrounds/" + "A" * 64 + ".png",
])
def test_the_route_serves_nothing_else(served, path):
    resp = served.fetch(path)
    assert resp.code == 404
    assert b"secret" not in resp.body and b"picture" not in resp.body


def test_guessing_hashes_rescans_the_folder_at_most_once_a_second(served, monkeypatch):
    scans = []
    real = served.index._scan
    monkeypatch.setattr(served.index, "_scan", lambda: (scans.append(1), real()))
    for i in range(50):
        served.fetch(f"/base/kx-backgrounds/{i:064x}.png")
    assert len(scans) == 1
    new = b"\x89PNG\r\n\x1a\n" + b"new figure"
    (served.folder / "figure-new.png").write_bytes(new)
    served.clock[0] += backgrounds.RESCAN_SECONDS
    resp = served.fetch(f"/base/kx-backgrounds/{hashlib.sha256(new).hexdigest()}.png")
    assert resp.code == 200 and len(scans) == 2


def test_a_background_a_kernel_has_just_rendered_is_served_at_once(served, monkeypatch):
    """A kernel writes a new background (a phone asked for the portrait layout) and its
    viewer's browser asks for it within the second: the folder has changed, so the index looks
    again rather than answering 404 (a broken picture for that viewer). Guesses in between,
    with the folder unchanged, still cost no scan."""
    scans = []
    real = served.index._scan
    monkeypatch.setattr(served.index, "_scan", lambda: (scans.append(1), real()))
    served.fetch("/base/kx-backgrounds/" + "0" * 64 + ".png")
    assert len(scans) == 1
    new = b"\x89PNG\r\n\x1a\n" + b"portrait"
    (served.folder / "figure-portrait.png").write_bytes(new)
    folder = os.stat(served.folder)   # (a file system's clock may not have ticked since)
    os.utime(served.folder, ns=(folder.st_atime_ns, folder.st_mtime_ns + 1_000_000))
    resp = served.fetch(f"/base/kx-backgrounds/{hashlib.sha256(new).hexdigest()}.png")
    assert resp.code == 200 and resp.body == new and len(scans) == 2   # no clock tick needed
    for i in range(20):
        served.fetch(f"/base/kx-backgrounds/{i:064x}.png")
    assert len(scans) == 2


class _ModulesApp(tornado.testing.AsyncHTTPTestCase):
    def get_app(self):
        return tornado.web.Application([modules.route("/base/")])


@pytest.fixture
def modules_served():
    case = _ModulesApp("run")
    case.setUp()
    yield case
    case.tearDown()


def test_the_overlay_module_is_served_by_its_hash_and_kernels_send_one_line(
        modules_served, monkeypatch):
    """The overlays' module (10 KB, once per overlay) is no longer in the state message: the
    kernel's `_esm` imports it from the server by hash, and the browser caches it."""
    from explainer import paths
    from explainer.widgets.browser.overlay import CursorOverlay

    source = paths.BROWSER_MODULES[0].read_bytes()
    digest = hashlib.sha256(source).hexdigest()
    resp = modules_served.fetch(f"/base/kx-modules/{digest}.js")
    assert resp.code == 200 and resp.body == source
    assert resp.headers["Content-Type"].startswith("text/javascript")
    assert "immutable" in resp.headers["Cache-Control"]
    assert modules_served.fetch(f"/base/kx-modules/{digest}.js",
                                headers={"If-None-Match": resp.headers["Etag"]}).code == 304
    for path in ("/base/kx-modules/" + "0" * 64 + ".js", "/base/kx-modules/overlay.js",
                 "/base/kx-modules/../serving/app.py", "/base/kx-modules/%2e%2e%2fapp.py"):
        assert modules_served.fetch(path).code == 404, path

    monkeypatch.setenv(paths.MODULES_URL_ENV_VAR, "/base/kx-modules/")
    stub = CursorOverlay()._esm
    assert f"/base/kx-modules/{digest}.js" in stub and len(stub) < 200
    monkeypatch.delenv(paths.MODULES_URL_ENV_VAR)
    assert CursorOverlay()._esm == source.decode("utf-8")  # JupyterLab: the module's text


# --- the arrival profile: the harness measures what Chromium gets ---------------------------


@pytest.mark.browser
def test_the_arrival_profile_finds_the_harness_and_chromium_agree(tmp_path):
    """One arrival on the pain signal: the load harness's state message is the one Chromium
    receives, byte for byte (with no PNG buffers: the backgrounds go by URL), and its
    kernel's memory is Chromium's kernel's within 3 MB."""
    out = tmp_path / "arrival.json"
    run = subprocess.run([sys.executable, "-m", "benchmarks.arrival", "--runs", "1", "--pages",
                          "pain-signal.ipynb", "--out", str(out)], cwd=REPO,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    results = json.loads(out.read_text())
    assert results["imports"]["pain-signal.ipynb"][0]["total_ms"] > 0
    page = [a for a in results["arrivals"] if a["page"] == "pain-signal.ipynb"][0]
    harness, chromium = page["harness"], page["chromium"]
    assert harness["models"] > 0 and harness["state_kb"] > 0
    assert harness["state_kb"] == chromium["state_kb"]
    assert abs(harness["kernel_rss_mb"] - chromium["kernel_rss_mb"]) <= 3.0
    # the buffers left are the backgrounds' URLs (an Image's value is bytes), not PNGs
    assert harness["state_buffer_kb"] < 1 and chromium["state_buffer_kb"] < 1
