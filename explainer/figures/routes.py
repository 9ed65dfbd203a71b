"""The route comparison: the same dose by a short drip, nasal spray, lozenge and by mouth on one
plot, each route a different colour AND dash AND a direct text label; the nasal spray's wide
range of bioavailability (11–45%) is shaded.

The background (`routes_scene`, once per process) is the same log-scale level axes and named
bands as the session view, on a 0–6 h axis. The curves are computed once per weight and model
(`route_curves`, cached, from `explainer.models.route_comparison`; the Domino model by default:
the absorption rate constants were fitted to it) and drawn as SVG (`routes_overlay`), so a
weight, route or audience change never touches matplotlib.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import numpy as np

from explainer.figures import palette as pal
from explainer.figures import svg
from explainer.figures.geometry import (
    LABEL_PX,
    PLOT,
    STRIP_PX,
    AxisMap,
    new_figure,
    paper_axes,
    plot_indices,
)
from explainer.figures.level_axes import draw_level_axes, y_axis_overlay
from explainer.figures.overlay import overlay_text
from explainer.figures.scene import Scene
from explainer.figures.session.words import strings, strings_key
from explainer.models import pk
from explainer.models.route_comparison import HORIZON_MIN, ROUTE_KEYS, RouteCurve, compare_routes

__all__ = ["RW", "RH", "ROUTE_KEYS", "RouteCurve", "route_curves", "routes_overlay",
           "routes_scene"]

RW, RH = 1040, 500
TICKS_H = tuple(range(0, 7))


@lru_cache(maxsize=32)
def route_curves(weight_kg: float, model: str = pk.DEFAULT_MODEL) -> Mapping[str, RouteCurve]:
    """The example dose (timeline.yaml `routes.dose_mg`) by each route, 0–6 h, 1-min steps
    (`explainer.models.route_comparison.compare_routes`, cached per weight and model)."""
    words = strings()["routes"]
    return compare_routes(float(words["dose_mg"]), float(words["iv_minutes"]), weight_kg, model)


@lru_cache(maxsize=1)
def routes_scene() -> tuple[Scene, AxisMap]:
    """The route comparison's axes and bands: from the cache, or drawn and rendered to PNG
    once per process."""

    def draw():
        fig = new_figure(RW, RH)
        paper = paper_axes(fig, RW, RH)
        draw_level_axes(fig, paper, PLOT, 0, HORIZON_MIN, 60, TICKS_H,
                        strings()["routes"]["x_label"])
        return fig

    scene = Scene(draw, (RW, RH), strings_key("routes"))
    scene.background_png()
    return scene, AxisMap(PLOT, 0, HORIZON_MIN)


_HALO = {"stroke": "#ffffff", "stroke_width": 5, "stroke_linejoin": "round",
         "paint_order": "stroke"}
"""A white outline drawn under a word's letters: readable over bands and hatches."""


def _style(key: str) -> Mapping[str, str]:
    return pal.ROUTE_STYLES[key]


def routes_overlay(curves: Mapping[str, RouteCurve], highlight: str, mode: str,
                   weight_kg: float) -> list[str]:
    """Title, y words or numbers, the nasal range, the four curves and their direct labels."""
    route_words = strings()["routes"]
    amap = AxisMap(PLOT, 0, HORIZON_MIN)
    title = (route_words["title"]["patient"] if mode == "patient" else
             route_words["title"]["trainee"].format(mg=route_words["dose_mg"],
                                                    weight=f"{weight_kg:g}"))
    out = [overlay_text(16, 22, title, size=LABEL_PX + 1, font_weight="bold",
                        class_="kx-routes-title")]
    out += y_axis_overlay(PLOT, mode)
    nasal = curves["intranasal"]
    if nasal.low is not None and nasal.high is not None:
        step = 2
        t = nasal.times_min[::step]
        xs = amap.x(t)
        top, bottom = amap.y(nasal.high[::step]), amap.y(nasal.low[::step])
        out.append(svg.polygon(np.concatenate([xs, xs[::-1]]),
                               np.concatenate([top, bottom[::-1]]),
                               fill=_style("intranasal")["color"], fill_opacity="0.13",
                               stroke=_style("intranasal")["color"], stroke_opacity="0.5",
                               stroke_width=1, class_="kx-routes-range"))
    order = sorted(ROUTE_KEYS, key=lambda k: -curves[k].c_peak)
    for key in reversed(order):   # the highlighted route is drawn last, on top
        if key == highlight:
            continue
        out.append(_curve(curves[key], amap, False))
    out.append(_curve(curves[highlight], amap, True))
    out += _labels(curves, order, highlight, amap)
    return out


def _curve(curve: RouteCurve, amap: AxisMap, chosen: bool) -> str:
    st = _style(curve.route)
    idx = plot_indices(curve.times_min.size, 2, (int(curve.t_peak_min),))
    return svg.polyline(amap.x(curve.times_min[idx]), amap.y(curve.conc[idx]),
                        stroke=st["color"], stroke_width=5.5 if chosen else 3.5,
                        stroke_dasharray=st["dash"] or None, stroke_linejoin="round",
                        opacity=None if chosen else "0.8",
                        class_=f"kx-routes-curve kx-routes-{curve.route}"
                               + (" kx-routes-chosen" if chosen else ""))


def _labels(curves: Mapping[str, RouteCurve], order, highlight: str,
            amap: AxisMap) -> list[str]:
    """Direct labels in the upper right, each with a leader to its curve's peak and a sample of
    its line (colour AND dash). The card is an outline only, so the bands show through it; the
    words carry a white halo to stay readable over them."""
    route_words = strings()["routes"]
    out: list[str] = []
    left = float(amap.x(132))
    right = PLOT.right - 10
    top = PLOT.top + 12
    gap = 36
    height = gap * len(order) + 30
    out.append(svg.rect(left, top, right - left, height, rx=10, fill="none", stroke=pal.GRID,
                        stroke_width=1.5, class_="kx-routes-card"))
    y = top + 24
    x = left + 14
    for key in order:
        c = curves[key]
        st = _style(key)
        chosen = key == highlight
        px, py = float(amap.x(c.t_peak_min)), float(amap.y(c.c_peak))
        out.append(svg.line(px + 7, py, left, y, stroke=st["color"], stroke_width=1.5))
        out.append(svg.circle(px, py, 4.5, fill=st["color"]))
        out.append(svg.line(x, y, x + 48, y, stroke=st["color"], stroke_width=5 if chosen else 4,
                            stroke_dasharray=st["dash"] or None))
        out.append(overlay_text(x + 60, y, route_words["names"][key], size=LABEL_PX,
                                font_weight="bold" if chosen else None, **_HALO,
                                class_=f"kx-routes-label kx-routes-label-{key}"))
        if key == "intranasal":
            y += 26
            out.append(overlay_text(x + 60, y, route_words["band_label"], size=STRIP_PX - 2,
                                    fill=pal.MUTED_INK, font_style="italic", **_HALO))
        y += gap
    return out
