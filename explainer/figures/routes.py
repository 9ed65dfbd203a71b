"""The route comparison: the same dose by a short drip, nasal spray, lozenge and by mouth on one
plot, each route a different colour AND dash AND a direct text label; the nasal spray's wide
range of bioavailability (11–45%) is shaded.

The background (`routes_scene`, once per process and layout) is the same log-scale level axes
and named bands as the session view, on a 0–6 h axis. Two layouts (`CANVASES`), like the session
chart's: landscape (the band names beside the plot) and portrait (phones: 520 px wide, the band
names in a key under the plot), with the same words at the same sizes. The legend sits under the
plot in both (never over the bands), one row per route, each with a leader to its curve's end.

The curves are computed once per weight and model (`route_curves`, cached, from
`explainer.models.route_comparison`; the Domino model by default: the absorption rate constants
were fitted to it) and drawn as SVG (`routes_overlay`), so a
weight, route or audience change never touches matplotlib.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from explainer import formatting as fmt
from explainer.content.strings import per_locale
from explainer.figures import palette as pal
from explainer.figures import svg
from explainer.figures.geometry import (
    LABEL_PX,
    PLOT,
    STRIP_PX,
    AxisMap,
    Box,
    new_figure,
    paper_axes,
    plot_indices,
    text_width,
)
from explainer.figures.level_axes import draw_level_axes, y_axis_overlay
from explainer.figures.overlay import overlay_text
from explainer.figures.scene import Scene
from explainer.figures.session.words import strings, strings_key
from explainer.models import pk
from explainer.models.route_comparison import HORIZON_MIN, ROUTE_KEYS, RouteCurve, compare_routes

__all__ = ["CANVASES", "RW", "RH", "ROUTE_KEYS", "RouteCurve", "RoutesCanvas", "legend_box",
           "route_curves", "routes_overlay", "routes_scene"]

RW, RH = 1040, 700
TICKS_H = tuple(range(0, 7))
ROW_PX = 34
"""One route's row in the legend."""
NOTE_PX = 26
"""The nasal spray's note under its row."""


@dataclass(frozen=True)
class RoutesCanvas:
    """Where the route comparison's parts sit in one layout (`CANVASES`).

    Landscape: the band names beside the plot. Portrait (phones): 520 px wide, the title on up
    to two lines, the trainee's unit on its own row, the band names in a key under the plot.
    In both, the legend is a card under the plot (clear of the bands and every word), and each
    route's leader runs from its row to its curve's end, up the right margin."""

    shape: str
    width: float
    height: float
    plot: Box
    legend_left: float
    legend_top: float
    title_chars: int = 0            # wrap the title at this many characters (0: one line)
    unit_y: float | None = None     # the trainee's unit's row (None: just above the plot)
    band_key_top: float | None = None   # the band names' key (None: beside the plot)


def _portrait() -> RoutesCanvas:
    plot = Box(PLOT.left, 120, 480, 430)
    key_top = 526
    return RoutesCanvas("portrait", 520, 800, plot, legend_left=16, legend_top=key_top + 80,
                        title_chars=34, unit_y=96, band_key_top=key_top)


CANVASES: Mapping[str, RoutesCanvas] = {
    "landscape": RoutesCanvas("landscape", RW, RH, PLOT, legend_left=PLOT.left, legend_top=492),
    "portrait": _portrait(),
}
"""The route comparison's layouts, by name (`explainer.figures.geometry.SHAPES`)."""


@lru_cache(maxsize=32)
def route_curves(weight_kg: float, model: str = pk.DEFAULT_MODEL) -> Mapping[str, RouteCurve]:
    """The example dose (timeline.yaml `routes.dose_mg`) by each route, 0–6 h, 1-min steps
    (`explainer.models.route_comparison.compare_routes`, cached per weight and model)."""
    words = strings()["routes"]
    return compare_routes(float(words["dose_mg"]), float(words["iv_minutes"]), weight_kg, model)


@per_locale(maxsize=len(CANVASES))
def routes_scene(shape: str = "landscape") -> tuple[Scene, AxisMap]:
    """The route comparison's axes and bands in one layout (`CANVASES`): from the cache, or
    drawn and rendered to PNG once per process."""
    c = CANVASES[shape]

    def draw():
        fig = new_figure(c.width, c.height)
        paper = paper_axes(fig, c.width, c.height)
        draw_level_axes(fig, paper, c.plot, 0, HORIZON_MIN, 60, TICKS_H,
                        strings()["routes"]["x_label"], key_top=c.band_key_top)
        return fig

    name = "routes" if shape == "landscape" else f"routes-{shape}"
    scene = Scene(draw, (c.width, c.height), strings_key(name))
    scene.background_png()
    return scene, AxisMap(c.plot, 0, HORIZON_MIN)


def _style(key: str) -> Mapping[str, str]:
    return pal.ROUTE_STYLES[key]


def _title_lines(title: str, chars: int) -> list[str]:
    return [title] if not chars or len(title) <= chars else textwrap.wrap(title, chars)


def routes_overlay(curves: Mapping[str, RouteCurve], highlight: str, mode: str,
                   weight_kg: float, shape: str = "landscape") -> list[str]:
    """Title, y words or numbers, the nasal range, the four curves and their legend."""
    c = CANVASES[shape]
    route_words = strings()["routes"]
    amap = AxisMap(c.plot, 0, HORIZON_MIN)
    title = (route_words["title"]["patient"] if mode == "patient" else
             route_words["title"]["trainee"].format(mg=route_words["dose_mg"],
                                                    weight=fmt.plain(weight_kg)))
    out = [overlay_text(16, 22 + i * (LABEL_PX + 7), line, size=LABEL_PX + 1,
                        font_weight="bold", class_="kx-routes-title")
           for i, line in enumerate(_title_lines(title, c.title_chars))]
    out += y_axis_overlay(c.plot, mode, c.unit_y)
    nasal = curves["intranasal"]
    if nasal.low is not None and nasal.high is not None:
        step = 2
        t = nasal.times_min[::step]
        xs = amap.x(t)
        top, bottom = amap.y(nasal.high[::step]), amap.y(nasal.low[::step])
        out.append(svg.polygon(xs + xs[::-1], top + bottom[::-1],
                               fill=_style("intranasal")["color"], fill_opacity="0.13",
                               stroke=_style("intranasal")["color"], stroke_opacity="0.5",
                               stroke_width=1, class_="kx-routes-range"))
    order = sorted(ROUTE_KEYS, key=lambda k: -curves[k].c_peak)
    for key in reversed(order):   # the highlighted route is drawn last, on top
        if key == highlight:
            continue
        out.append(_curve(curves[key], amap, False))
    out.append(_curve(curves[highlight], amap, True))
    out += _legend(curves, highlight, amap, c)
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


def legend_box(shape: str = "landscape") -> Box:
    """The legend's card, in overlay px: under the plot, clear of the bands and the axes'
    words."""
    c = CANVASES[shape]
    height = ROW_PX * len(ROUTE_KEYS) + NOTE_PX + 16
    return Box(c.legend_left, c.legend_top, c.plot.right, c.legend_top + height)


def _legend(curves: Mapping[str, RouteCurve], highlight: str, amap: AxisMap,
            c: RoutesCanvas) -> list[str]:
    """One row per route under the plot: a sample of its line (colour AND dash) and its name,
    and a leader from the row, up the right margin, to a dot at its curve's end. The rows go
    from the lowest end to the highest, so the leaders never cross one another."""
    route_words = strings()["routes"]
    box = legend_box(c.shape)
    out = [svg.rect(box.left, box.top, box.width, box.height, rx=10, fill="none",
                    stroke=pal.GRID, stroke_width=1.5, class_="kx-routes-card")]
    x = box.left + 14
    y = box.top + 24
    rows = sorted(ROUTE_KEYS, key=lambda k: curves[k].conc[-1])
    for i, key in enumerate(rows):
        curve, st = curves[key], _style(key)
        chosen = key == highlight
        name = route_words["names"][key]
        out.append(svg.line(x, y, x + 48, y, stroke=st["color"], stroke_width=5 if chosen else 4,
                            stroke_dasharray=st["dash"] or None))
        out.append(overlay_text(x + 60, y, name, size=LABEL_PX,
                                font_weight="bold" if chosen else None,
                                class_=f"kx-routes-label kx-routes-label-{key}"))
        end_x, end_y = float(amap.x(curve.times_min[-1])), float(amap.y(curve.conc[-1]))
        margin_x = c.plot.right + 10 + 8 * i
        start = x + 60 + text_width(name, LABEL_PX) * (1.06 if chosen else 1.0) + 8
        out.append(svg.polyline([start, margin_x, margin_x, end_x + 6],
                                [y, y, end_y, end_y], fill="none", stroke=st["color"],
                                stroke_width=1.5, class_="kx-routes-leader"))
        out.append(svg.circle(end_x, end_y, 4.5, fill=st["color"]))
        if key == "intranasal":
            y += NOTE_PX
            out.append(overlay_text(x + 60, y, route_words["band_label"], size=STRIP_PX - 2,
                                    fill=pal.MUTED_INK, font_style="italic",
                                    class_="kx-routes-note"))
        y += ROW_PX
    return out
