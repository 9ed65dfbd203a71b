"""The trainee's response chart: the response to each impulse with no ketamine and at the chosen
level (axes drawn once, `chart_scene`; the curves are SVG, `chart_overlay`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from explainer.content.strings import per_locale
from explainer.figures import palette as pal
from explainer.figures import svg
from explainer.figures.geometry import new_figure
from explainer.figures.pain_signal.geometry import (
    strings,
    strings_file,
)
from explainer.figures.scene import Scene, background_key
from explainer.models.nmda import SynapseResult

if TYPE_CHECKING:
    from matplotlib.figure import Figure


# --- The trainee chart: response per impulse -----------------------------------------------------

RESPONSE_CHART_W, RESPONSE_CHART_H = 640, 340
"""Chart size in layout pixels."""


@dataclass(frozen=True)
class ChartGeometry:
    """The chart axes' data-to-pixel map (overlay pixels), from the axes' placement (tests check
    it against matplotlib's transform)."""

    x0: float
    x_scale: float
    y0: float
    y_scale: float
    x_lim: tuple[float, float]
    y_lim: tuple[float, float]

    def px(self, x: float, y: float) -> tuple[float, float]:
        return self.x0 + self.x_scale * x, self.y0 + self.y_scale * y


CHART = {"x_lim": (0.3, 16.7), "y_lim": (0.0, 3.5)}


CHART_AXES = (0.15, 0.17, 0.82, 0.64)
"""The chart axes' rectangle in figure fractions (left, bottom, width, height)."""


@dataclass(frozen=True)
class ChartLayout:
    """The chart's size, its axes (figure fractions) and where its legend starts (overlay px),
    in one layout: landscape, or portrait for a phone (narrower, the legend under the title,
    so every word reads at 12 CSS px or more on a 390 px phone)."""

    width: float
    height: float
    axes: tuple[float, float, float, float]
    legend: tuple[float, float]


CHART_LAYOUTS = {
    "landscape": ChartLayout(RESPONSE_CHART_W, RESPONSE_CHART_H, CHART_AXES,
                             (RESPONSE_CHART_W - 270, 16)),
    "portrait": ChartLayout(420, 450, (0.2, 0.14, 0.76, 0.6), (16, 64)),
}
"""The chart's layouts, by name (`explainer.figures.geometry.SHAPES`)."""


def _chart_figure(shape: str = "landscape") -> Figure:
    words = strings()["chart"]
    c = CHART_LAYOUTS[shape]
    fig = new_figure(c.width, c.height)
    ax = fig.add_axes(c.axes)
    ax.set_xlim(*CHART["x_lim"])
    ax.set_ylim(*CHART["y_lim"])
    ax.set_xticks([1, 4, 8, 12, 16])
    ax.set_yticks([0, 1, 2, 3])
    ax.set_xlabel(words["x_label"])
    ax.set_ylabel(words["y_label"], fontsize=13)
    fig.text(0.015 * RESPONSE_CHART_W / c.width, 1 - 24 / c.height, words["title"], fontsize=17,
             fontweight="bold", va="center")
    ax.axhline(1.0, color=pal.MUTED_INK, lw=1, ls=":")
    return fig


def chart_geometry(shape: str = "landscape") -> ChartGeometry:
    """The chart's data-to-overlay-pixel map, from the numbers its axes are placed with."""
    c = CHART_LAYOUTS[shape]
    left, bottom, width, height = c.axes
    (x_lo, x_hi), (y_lo, y_hi) = CHART["x_lim"], CHART["y_lim"]
    x_scale = width * c.width / (x_hi - x_lo)
    y_scale = -height * c.height / (y_hi - y_lo)
    return ChartGeometry(x0=left * c.width - x_lo * x_scale, x_scale=x_scale,
                         y0=c.height - bottom * c.height - y_lo * y_scale,
                         y_scale=y_scale,
                         x_lim=CHART["x_lim"], y_lim=CHART["y_lim"])


@per_locale(maxsize=2)
def chart_scene(shape: str = "landscape") -> tuple[Scene, ChartGeometry]:
    """The chart's axes in one layout (from the cache, or drawn once per process) and the map
    from data to overlay pixels."""
    c = CHART_LAYOUTS[shape]
    name = "pain-chart" if shape == "landscape" else f"pain-chart-{shape}"
    scene = Scene(lambda: _chart_figure(shape), (c.width, c.height),
                  background_key(name, strings_file()))
    scene.background_png()
    return scene, chart_geometry(shape)


@dataclass(frozen=True)
class ChartFrame:
    """Two response curves and the current impulse."""

    baseline: tuple[float, ...]
    level: tuple[float, ...]
    conc_text: str
    impulse: int


def chart_frame(baseline: SynapseResult, result: SynapseResult, impulse: int,
                conc_text: str) -> ChartFrame:
    return ChartFrame(tuple(round(float(v), 3) for v in baseline.response),
                      tuple(round(float(v), 3) for v in result.response), conc_text,
                      int(min(max(impulse, 0), result.n_impulses)))


def _square(x: float, y: float, r: float, **attrs) -> str:
    return svg.rect(x - r, y - r, 2 * r, 2 * r, **attrs)


def chart_overlay(frame: ChartFrame, geo: ChartGeometry, shape: str = "landscape") -> list[str]:
    """Solid line with round markers = no ketamine; dashed with squares = the chosen level."""
    words = strings()["chart"]
    out: list[str] = []
    series = (
        (frame.baseline, pal.CURVE, "", "circle"),
        (frame.level, pal.KETAMINE, "8,5", "square"),
    )
    for values, colour, dash, marker in series:
        pts = [geo.px(i + 1, min(v, geo.y_lim[1])) for i, v in enumerate(values)]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        if len(pts) > 1:
            out.append(svg.polyline(xs, ys, stroke=colour, stroke_width=3,
                                    stroke_dasharray=dash or None))
        done, later = [], []
        for i, (x, y) in enumerate(pts):
            r = 6.5 if i + 1 == frame.impulse else 4.5
            mark = svg.circle(x, y, r) if marker == "circle" else _square(x, y, r)
            (done if i < frame.impulse else later).append(mark)
        out.append(svg.group(done, fill=colour, stroke=colour, stroke_width=2))
        out.append(svg.group(later, fill="#ffffff", stroke=colour, stroke_width=2))
    if frame.impulse:
        x, top = geo.px(frame.impulse, geo.y_lim[1])
        _, bottom = geo.px(frame.impulse, geo.y_lim[0])
        out.append(svg.line(x, top + 20, x, bottom, stroke=pal.CURSOR, stroke_width=1.5,
                            stroke_dasharray="4,4"))
        anchor = "end" if frame.impulse > 12 else "start"
        out.append(svg.text(x + (-6 if anchor == "end" else 6), top + 12,
                            words["cursor"].format(k=frame.impulse), size=15, text_anchor=anchor,
                            dominant_baseline="central"))
    # legend in words (top right, above the axes), with each curve's line style and marker
    lx, ly = CHART_LAYOUTS[shape].legend
    for i, (label, colour, dash, marker) in enumerate((
        (words["legend_none"], pal.CURVE, None, "circle"),
        (words["legend_level"].format(conc=frame.conc_text), pal.KETAMINE, "8,5", "square"),
    )):
        y = ly + i * 27
        out.append(svg.line(lx, y, lx + 36, y, stroke=colour, stroke_width=3,
                            stroke_dasharray=dash))
        attrs = {"fill": colour, "stroke": colour, "stroke_width": 2}
        out.append(svg.circle(lx + 18, y, 5, **attrs) if marker == "circle"
                   else _square(lx + 18, y, 5, **attrs))
        out.append(svg.text(lx + 44, y, label, size=17, dominant_baseline="central"))
    return out
