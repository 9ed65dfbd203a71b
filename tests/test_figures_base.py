"""Shared figure machinery: palette contrast, SVG escaping, scene coordinates, safe callbacks."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pytest

from explainer.figures import palette, svg
from explainer.figures.scene import Scene
from explainer.widgets.safety import FRIENDLY_ERROR, error_message, safe_callback


def test_okabe_ito_has_its_eight_colours():
    assert len(palette.OKABE_ITO) == 8
    assert palette.OKABE_ITO["blue"] == "#0072B2"


@pytest.mark.parametrize("colour", [palette.INK, palette.MUTED_INK, palette.NMDA, palette.CURVE])
def test_text_colours_meet_wcag_aa(colour):
    assert palette.contrast_ratio(colour) >= 4.5


def test_contrast_ratio_extremes():
    assert palette.contrast_ratio("#000000") == pytest.approx(21.0)
    assert palette.contrast_ratio("#ffffff") == pytest.approx(1.0)


def test_routes_differ_by_more_than_colour():
    dashes = [s["dash"] for s in palette.ROUTE_STYLES.values()]
    assert len(set(dashes)) == len(dashes)


def test_svg_text_is_escaped():
    out = svg.text(1, 2, "<script>alert(1)</script> & co")
    assert "<script>" not in out and "&lt;script&gt;" in out and "&amp;" in out


def test_svg_document_is_labelled():
    doc = svg.document(100, 50, [svg.circle(1, 2, 3)], label="A test figure")
    assert 'role="img"' in doc and 'aria-label="A test figure"' in doc
    assert 'viewBox="0 0 100 50"' in doc and "<title>A test figure</title>" in doc


def test_scene_maps_data_to_overlay_pixels():
    from matplotlib.figure import Figure

    def draw():
        fig = Figure(figsize=(4, 2), dpi=100)
        ax = fig.add_axes((0.1, 0.1, 0.8, 0.8))
        ax.set_xlim(0, 10)
        ax.set_ylim(0, 1)
        return fig

    scene = Scene(draw, (400, 200))
    ax = scene.fig.axes[0]
    png = scene.background_png()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert scene.background_png() is png  # rendered once
    x, y = scene.px(ax, [0, 10], [0, 1])
    np.testing.assert_allclose(x, [40, 360], atol=0.5)
    np.testing.assert_allclose(y, [180, 20], atol=0.5)  # y runs down in the overlay


def test_safe_callback_shows_friendly_message_and_recovers():
    slot = error_message()
    calls = []

    @safe_callback(slot)
    def flaky(fail):
        if fail:
            raise RuntimeError("boom")
        calls.append(1)
        return "ok"

    assert flaky(True) is None
    assert FRIENDLY_ERROR in slot.value and "boom" not in slot.value
    assert slot.layout.display is None
    assert flaky(False) == "ok"
    assert slot.value == "" and slot.layout.display == "none"
    assert isinstance(slot, widgets.HTML)


def test_background_cache_is_shared_between_scenes(tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    from explainer.figures.scene import CACHE_ENV_VAR, background_key

    monkeypatch.setenv(CACHE_ENV_VAR, str(tmp_path))
    key = background_key("test-figure", "inputs v1")
    assert key != background_key("test-figure", "inputs v2")

    drawn = []

    def draw():
        drawn.append(1)
        fig = Figure(figsize=(2, 1), dpi=100)
        fig.add_axes((0.1, 0.1, 0.8, 0.8)).plot([0, 1], [0, 1])
        return fig

    first = Scene(draw, (200, 100), key).background_png()
    assert (tmp_path / f"{key}.png").read_bytes() == first
    assert drawn == [1]
    second = Scene(draw, (200, 100), key)
    assert second.background_png() == first
    assert drawn == [1], "a cache hit must not draw (nor import matplotlib) again"


def test_a_failure_inside_a_nested_callback_stays_visible():
    slot = error_message()

    @safe_callback(slot)
    def inner():
        raise ValueError("inner failure")

    @safe_callback(slot)
    def outer():
        inner()
        return "outer finished"

    assert outer() == "outer finished"
    assert FRIENDLY_ERROR in slot.value, "the outer success must not hide the inner failure"
