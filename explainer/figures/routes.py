"""The route comparison: the same dose by a short drip, nasal spray, lozenge and by mouth on one
plot, each route a different colour AND dash AND a direct text label; the nasal spray's wide
range of bioavailability (11–45%) is shaded.

The background (`routes_scene`, once per process) is the same log-scale level axes and named
bands as the session view, on a 0–6 h axis. The curves are computed once per weight and model
(`route_curves`, cached, the Domino model by default: the absorption rate constants were fitted
to it) and drawn as SVG (`routes_overlay`), so a weight, route or audience change never touches
matplotlib.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from explainer.figures import palette as pal
from explainer.figures import svg
from explainer.figures.scene import Scene
from explainer.figures.timeline import (
    LABEL_PX,
    PLOT,
    STRIP_PX,
    AxisMap,
    draw_level_axes,
    new_figure,
    overlay_text,
    paper_axes,
    plot_indices,
    strings,
    strings_key,
    y_axis_overlay,
)
from explainer.models import pk

__all__ = ["RW", "RH", "ROUTE_KEYS", "RouteCurve", "route_curves", "routes_overlay",
           "routes_scene"]

RW, RH = 1040, 500
ROUTE_KEYS = ("iv", "intranasal", "sublingual", "oral")
HORIZON_MIN = 360
TICKS_H = tuple(range(0, 7))


@dataclass(frozen=True, eq=False)
class RouteCurve:
    """One route's curve for the example dose, and its headline numbers."""

    route: str
    f: float
    f_low: float
    f_high: float
    times_min: np.ndarray = field(repr=False)
    conc: np.ndarray = field(repr=False)
    low: np.ndarray | None = field(default=None, repr=False)    # at f_low (intranasal)
    high: np.ndarray | None = field(default=None, repr=False)   # at f_high
    t_peak_min: float = 0.0
    c_peak: float = 0.0
    auc_ng_h_ml: float = 0.0
    refs: tuple[str, ...] = ()


@lru_cache(maxsize=32)
def route_curves(weight_kg: float, model: str = pk.DEFAULT_MODEL) -> Mapping[str, RouteCurve]:
    """The example dose (timeline.yaml `routes.dose_mg`) by each route, 0–6 h, 1-min steps."""
    r = strings()["routes"]
    w = pk.validate_weight(weight_kg)
    mg = float(r["dose_mg"])
    t = np.arange(0.0, HORIZON_MIN + 1.0)
    out: dict[str, RouteCurve] = {}
    for key in ROUTE_KEYS:
        if key == "iv":
            minutes = float(r["iv_minutes"])
            regimen = [pk.Infusion(0, minutes, mg * 60 / minutes)]
            c = pk.simulate(model, w, regimen, t)
            f = f_low = f_high = 1.0
            low = high = None
            refs: tuple[str, ...] = ()
        else:
            route = pk.ROUTES[key]
            c = pk.simulate(model, w, [pk.Absorbed(0, mg, key)], t)
            f, f_low, f_high = route.f, route.f_low, route.f_high
            low = high = None
            if key == "intranasal":
                low = pk.simulate(model, w, [pk.Absorbed(0, mg, key, f_low)], t)
                high = pk.simulate(model, w, [pk.Absorbed(0, mg, key, f_high)], t)
            refs = route.refs
        t_peak, c_peak = pk.peak(t, c)
        out[key] = RouteCurve(key, f, f_low, f_high, t, c, low, high, t_peak, c_peak,
                              pk.auc(t, c) / 60.0, refs)
    return out


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


def _style(key: str) -> Mapping[str, str]:
    return pal.ROUTE_STYLES[key]


def routes_overlay(curves: Mapping[str, RouteCurve], highlight: str, mode: str,
                   weight_kg: float) -> list[str]:
    """Title, y words or numbers, the nasal range, the four curves and their direct labels."""
    r = strings()["routes"]
    amap = AxisMap(PLOT, 0, HORIZON_MIN)
    title = (r["title"]["patient"] if mode == "patient" else
             r["title"]["trainee"].format(mg=r["dose_mg"], weight=f"{weight_kg:g}"))
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
    """Direct labels on a white card in the upper right, each with a leader to its curve's peak
    and a sample of its line (colour AND dash)."""
    r = strings()["routes"]
    out: list[str] = []
    left = float(amap.x(132))
    right = PLOT.right - 10
    top = PLOT.top + 12
    gap = 36
    height = gap * len(order) + 30
    out.append(svg.rect(left, top, right - left, height, rx=10, fill="#ffffff", stroke=pal.GRID,
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
        out.append(overlay_text(x + 60, y, r["names"][key], size=LABEL_PX,
                                font_weight="bold" if chosen else None,
                                class_=f"kx-routes-label kx-routes-label-{key}"))
        if key == "intranasal":
            y += 26
            out.append(overlay_text(x + 60, y, r["band_label"], size=STRIP_PX - 3,
                                    fill=pal.MUTED_INK, font_style="italic"))
        y += gap
    return out
