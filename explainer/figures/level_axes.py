"""The level axes: the fixed log-scale y axis with the named, shaded and hatched concentration
bands (drawn once, in the background), and the y-axis words or numbers (overlay, by audience).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from explainer import formatting as fmt
from explainer.figures import palette as pal
from explainer.figures.geometry import (
    LABEL_PX,
    TICK_PX,
    Y_RANGE,
    AxisMap,
    Box,
    pt,
)
from explainer.figures.overlay import overlay_text
from explainer.figures.session.words import short_number, strings
from explainer.models.bands import BAND_ORDER, BANDS

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def draw_level_axes(fig: Figure, paper, box: Box, lo_min: float, hi_min: float, unit_min: float,
                    ticks: Sequence[float], x_label: str, key_top: float | None = None):
    """The log-scale level axes with the overlapping bands (fill, hatch AND words), gridlines and
    axis words; the tick labels of y are left to the overlay (words or numbers by audience).
    The bands are named beside the axes, or (`key_top`: a narrow figure) in a key from there
    down, one row each."""
    session_words = strings()["session"]
    ax = fig.add_axes(box.frac(fig.bbox.width, fig.bbox.height))
    ax.set_yscale("log")
    ax.set_ylim(*Y_RANGE)
    ax.set_xlim(lo_min / unit_min, hi_min / unit_min)
    ax.set_yticks([1, 10, 100, 1000])
    ax.yaxis.set_minor_locator(_null_locator())
    ax.set_yticklabels([])
    ax.tick_params(axis="y", length=0)
    ax.set_xticks(list(ticks))
    ax.set_xticklabels([short_number(v) for v in ticks], fontsize=pt(TICK_PX))
    ax.tick_params(axis="x", length=4, pad=4)
    ax.set_xlabel(x_label, fontsize=pt(LABEL_PX), labelpad=4)
    ax.grid(True, axis="both", color=pal.GRID, lw=0.9)
    ax.set_axisbelow(True)
    alphas = {"relief": 0.85, "dissociation": 0.6, "anaesthesia": 0.85}
    for key in BAND_ORDER:
        b = BANDS[key]
        ax.axhspan(b.low_ng_ml, b.high_ng_ml, facecolor=pal.BAND_FILLS[key],
                   edgecolor=pal.BAND_EDGES[key], hatch=pal.BAND_HATCHES[key], linewidth=0,
                   alpha=alphas[key], zorder=0.5)
        for edge in (b.low_ng_ml, b.high_ng_ml):
            ax.axhline(edge, color=pal.BAND_EDGES[key], lw=1, alpha=0.7, zorder=0.6)
    if lo_min < 0 < hi_min:
        ax.axvline(0, color=pal.MUTED_INK, lw=1.6, ls=(0, (5, 3)), zorder=0.7)
    fig.text(14 / fig.bbox.width, 1 - (box.top + box.height / 2) / fig.bbox.height,
             session_words["y_label"], rotation=90, va="center", ha="left", fontsize=pt(LABEL_PX),
             color=pal.INK)
    if key_top is None:
        _band_labels(paper, box)
    else:
        _band_key(paper, box, key_top)
    return ax


def _null_locator():
    from matplotlib.ticker import NullLocator

    return NullLocator()


def _band_labels(paper, box: Box) -> None:
    """Brackets in each band's colour and hatch to the right of the axes, with its name."""
    from matplotlib.patches import Rectangle

    band_names = strings()["session"]["bands"]
    amap = AxisMap(box, 0, 1)
    size = pt(LABEL_PX - 1)
    x0 = box.right + 8
    bars = {"relief": x0, "dissociation": x0 + 14, "anaesthesia": x0}
    for key in BAND_ORDER:
        b = BANDS[key]
        y_top, y_bot = float(amap.y(b.high_ng_ml)), float(amap.y(b.low_ng_ml))
        paper.add_patch(Rectangle((bars[key], y_top), 10, y_bot - y_top,
                                  facecolor=pal.BAND_FILLS[key], edgecolor=pal.BAND_EDGES[key],
                                  hatch=pal.BAND_HATCHES[key], linewidth=1.2))
    tx = x0 + 32
    text = {"fontsize": size, "color": pal.INK, "ha": "left"}
    # the two overlapping bands are named at their outer ends, each with a short leader
    y_relief = float(amap.y(BANDS["relief"].low_ng_ml))
    paper.plot([x0 + 10, tx - 4], [y_relief - 4, y_relief + 10], color=pal.BAND_EDGES["relief"],
               lw=1.2)
    paper.text(tx, y_relief + 10, band_names["relief"], va="center", **text)
    y_floaty = float(amap.y(BANDS["dissociation"].high_ng_ml))
    paper.plot([x0 + 24, tx - 4], [y_floaty + 4, y_floaty - 12],
               color=pal.BAND_EDGES["dissociation"], lw=1.2)
    words = band_names["dissociation"].split(" ", 1)
    paper.text(tx, y_floaty - 12, "\n".join(words), va="bottom", linespacing=1.05, **text)
    y_an = float(amap.y(math.sqrt(BANDS["anaesthesia"].low_ng_ml
                                  * BANDS["anaesthesia"].high_ng_ml)))
    with_note = strings()["formats"]["band_with_note"].format(
        name=band_names["anaesthesia"], note=band_names["anaesthesia_note"])
    paper.text(tx, y_an, with_note,
               va="center", linespacing=1.05, **text)


KEY_ROW_PX = 32
"""One row of the narrow figures' band key."""


def _band_key(paper, box: Box, top: float) -> None:
    """The bands' names as a key under a narrow figure: a swatch in each band's colour and
    hatch, and its name on one line."""
    from matplotlib.patches import Rectangle

    band_names = strings()["session"]["bands"]
    for i, key in enumerate(BAND_ORDER):
        y = top + i * KEY_ROW_PX
        paper.add_patch(Rectangle((box.left, y - 10), 22, 20, facecolor=pal.BAND_FILLS[key],
                                  edgecolor=pal.BAND_EDGES[key], hatch=pal.BAND_HATCHES[key],
                                  linewidth=1.2))
        name = " ".join(band_names[key].split())
        if key == "anaesthesia":
            name = strings()["formats"]["band_with_note"].format(
                name=name, note=band_names["anaesthesia_note"]).replace("\n", " ")
        paper.text(box.left + 32, y, name, va="center", ha="left", fontsize=pt(LABEL_PX - 1),
                   color=pal.INK)


def y_axis_overlay(box: Box, mode: str, unit_y: float | None = None) -> list[str]:
    """Words (patient: 'low', 'higher') or numbers with the unit (trainee) beside the y axis."""
    session_words, forms = strings()["session"], strings()["formats"]
    amap = AxisMap(box, 0, 1)
    x = box.left - 10
    out = []
    if mode == "trainee":
        for v in (1, 10, 100, 1000):
            out.append(overlay_text(x, float(amap.y(v)), fmt.grouped(v), size=TICK_PX,
                                    text_anchor="end"))
        unit = forms["unit_scale"].format(unit=session_words["y_unit"],
                                          note=session_words["y_scale_note"])
        out.append(overlay_text(20, box.top - 12 if unit_y is None else unit_y, unit,
                                size=TICK_PX - 1, fill=pal.MUTED_INK,
                                class_="kx-tl-unit"))
    else:
        out.append(overlay_text(x, float(amap.y(2.0)), session_words["y_low"], size=TICK_PX,
                                text_anchor="end", fill=pal.MUTED_INK))
        y_hi = float(amap.y(1500.0))
        high = forms["high_arrow"].format(label=session_words["y_high"])
        out.append(overlay_text(x, y_hi, high, size=TICK_PX, text_anchor="end",
                                fill=pal.MUTED_INK))
    return out
