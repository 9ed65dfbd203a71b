"""The treatment timeline's session view: the level in the blood over one session, and beneath it,
on the same time axis, a strip of what happens (arrive, the drip, checks, rest, home).

Matplotlib draws the still parts once per *layout* and process (`session_scene`): the axes, the
shaded, hatched and named concentration bands, gridlines, the words on the axes and the empty
lanes of the strip. The y axis is a FIXED log scale (`Y_RANGE`), and the x axis is one of a few
fixed layouts (`LAYOUTS`: a few hours, a whole day, several days), so changing the protocol,
weight or route never redraws the background unless the layout changes. Everything that moves is
a light SVG overlay built by pure functions from a `SessionCurve` (computed once per protocol,
weight and model, cached) — the curve, the strip's blocks, the y-axis words or numbers and the
time cursor — so a cursor move only indexes into arrays and formats a few strings:

    curve = session_curve("schwartzman-2009", 70.0)          # pk.simulate once, cached
    scene, amap = session_scene(curve.layout.key)             # background, once per layout
    elements = session_static(curve, "patient") + session_cursor(curve, 90, "patient")
    svg_text = scene.svg(elements, label)

All words come from `assets/content/timeline.yaml` (`strings()`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import yaml

from explainer.content import aftercare
from explainer.content.clinic_env import shown_protocols
from explainer.content.protocols import Protocol
from explainer.figures import palette as pal
from explainer.figures import svg
from explainer.figures.scene import Scene, background_key
from explainer.models import pk
from explainer.models.bands import BANDS, bands_at
from explainer.serving.paths import assets_dir

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "AxisMap",
    "Box",
    "LAYOUTS",
    "Layout",
    "Phase",
    "SessionCurve",
    "W",
    "H",
    "Y_RANGE",
    "band_key",
    "duration_words",
    "layout_for",
    "pattern_for",
    "protocols",
    "session_curve",
    "session_cursor",
    "session_scene",
    "session_static",
    "layer_document",
    "short_time",
    "strings",
]

STRINGS_FILE = "content/timeline.yaml"

W, H = 1040, 650
"""Session figure size in layout pixels (10.4 × 6.5 in at 100 dpi); the PNG is twice that."""
Y_RANGE = (1.0, 3000.0)
"""The fixed log-scale y axis (ng/mL): from oral levels of a few ng/mL to the top of the
anaesthesia band (2,400), for every protocol, weight and route."""
FLOATY = BANDS["dissociation"].low_ng_ml
RELIEF = BANDS["relief"].low_ng_ml

LABEL_PX = 21
"""Words on the figures, in layout px (about 15 px on a tablet, where the figure is ~730 px)."""
STRIP_PX = 20
TICK_PX = 19
BAND_ORDER = ("relief", "dissociation", "anaesthesia")


def strings_key(name: str) -> str:
    """A background cache key for a timeline figure (changes when its strings change)."""
    return background_key(name, assets_dir() / STRINGS_FILE, assets_dir() / aftercare.FILE)


@lru_cache(maxsize=1)
def strings() -> Mapping:
    """Every visible string of the timeline (`assets/content/timeline.yaml`)."""
    raw = yaml.safe_load((assets_dir() / STRINGS_FILE).read_text(encoding="utf-8"))
    return aftercare.fill_timeline(raw)  # "home" phases take the one after-care block


@lru_cache(maxsize=1)
def protocols() -> Mapping[str, Protocol]:
    """The protocols shown, loaded once: the library (`assets/protocols.yaml`), with a
    clinic's own first when one is configured (issue 12: `explainer.content.clinic`)."""
    return shown_protocols()


def pt(px: float) -> float:
    """Layout pixels to points at the figures' 100 dpi (matplotlib sizes fonts in points)."""
    return px * 72 / 100


def text_width(text: str, size: float) -> float:
    """A generous estimate of a DejaVu Sans string's width in px (for fitting labels)."""
    return 0.6 * size * len(text)


# --- Geometry ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    """A rectangle in overlay pixels (origin top-left, y down)."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def frac(self, width: float, height: float) -> tuple[float, float, float, float]:
        """matplotlib's `add_axes` rectangle (figure fractions, y up)."""
        return (self.left / width, 1 - self.bottom / height, self.width / width,
                self.height / height)


@dataclass(frozen=True)
class AxisMap:
    """Time (minutes) and level (ng/mL, log scale) to overlay pixels, for one axes box.

    Built from the same numbers the background's axes are placed with, so no matplotlib call is
    needed on the update path (tests check it against `Scene.px`).
    """

    box: Box
    lo_min: float
    hi_min: float
    y_lo: float = Y_RANGE[0]
    y_hi: float = Y_RANGE[1]

    def x(self, t_min):
        t = np.asarray(t_min, dtype=float)
        return self.box.left + (t - self.lo_min) / (self.hi_min - self.lo_min) * self.box.width

    def y(self, conc):
        c = np.clip(np.asarray(conc, dtype=float), self.y_lo, self.y_hi)
        span = math.log10(self.y_hi) - math.log10(self.y_lo)
        return self.box.bottom - (np.log10(c) - math.log10(self.y_lo)) / span * self.box.height


@dataclass(frozen=True)
class Layout:
    """One fixed time axis (its own cached background)."""

    key: str
    unit_min: float              # minutes per axis unit (60: hours, 1440: days)
    lo_min: float
    hi_min: float
    ticks: tuple[float, ...]     # in axis units
    step_min: int                # the time cursor's step
    default_cursor_min: float

    @property
    def cursor_positions(self) -> tuple[int, ...]:
        return tuple(range(int(self.lo_min), int(self.hi_min) + 1, self.step_min))

    def clamp(self, t_min: float) -> float:
        """The nearest cursor position to `t_min`."""
        t = min(max(t_min, self.lo_min), self.hi_min)
        return float(self.lo_min + round((t - self.lo_min) / self.step_min) * self.step_min)


LAYOUTS: Mapping[str, Layout] = {
    "hours": Layout("hours", 60, -60, 420, tuple(range(0, 8)), 5, 90),
    "day24": Layout("day24", 60, 0, 1440, tuple(range(0, 25, 4)), 10, 60),
    "days": Layout("days", 1440, -360, 7200, tuple(range(0, 6)), 60, 1440),
}
"""Outpatient sessions and single doses (−1 to 7 h), a day of oral doses (0–24 h), and
continuous infusions over days (−¼ to 5 days)."""

PLOT = Box(130, 60, 850, 420)
"""The level axes (shared by the session and route figures)."""
STRIP_TOP = 494
LANE_H = 50
LANES = ("happen", "checks", "feel")
STRIP = Box(PLOT.left, STRIP_TOP, PLOT.right, STRIP_TOP + LANE_H * len(LANES))
STRIP_RIGHT = W - 8
"""A phase that runs to the end of the axis ("home") continues to here: the rest of the day."""


def layout_for(protocol: Protocol) -> Layout:
    """The fixed layout that holds one session of `protocol`."""
    length = protocol.session_length_min
    if length <= 360:
        return LAYOUTS["hours"]
    if length <= 1440:
        return LAYOUTS["day24"]
    return LAYOUTS["days"]


def pattern_for(protocol: Protocol) -> str:
    """Which strip pattern (timeline.yaml `patterns`) describes a session of `protocol`."""
    if protocol.route == "intravenous":
        return "iv-continuous" if protocol.session_length_min > 1440 else "iv-session"
    return "single-dose" if len(protocol.doses) == 1 else "daily-doses"


# --- Words for times and levels ------------------------------------------------------------------


def band_key(conc: float) -> str:
    """'zero', 'below_relief', 'relief', 'relief+dissociation', 'dissociation', 'between',
    'anaesthesia' or 'above' — the keys of `level_words` / `level_short`."""
    if conc <= 0:
        return "zero"
    inside = bands_at(conc)
    if inside:
        return "+".join(inside)
    if conc < BANDS["relief"].low_ng_ml:
        return "below_relief"
    if conc > BANDS["anaesthesia"].high_ng_ml:
        return "above"
    return "between"


def short_time(t_min: float, layout: Layout) -> str:
    """'45 min before the start', 'the start', '1 h 30 min', '2 days 6 h' (slider and cursor)."""
    s = strings()["time"]
    t = int(round(t_min))
    if layout.key == "days":
        if t < 0:
            return s["before_hours"].format(h=_fmt(-t / 60))
        if t == 0:
            return s["start"]
        d, rest = divmod(t, 1440)
        h = rest // 60
        if d == 0:
            return s["h"].format(h=h)
        days = s["day"] if d == 1 else s["days"]
        return s["days_h"].format(d=d, days=days, h=h) if h else f"{d} {days}"
    if t < 0:
        return (s["before_hours"].format(h=-t // 60) if t % 60 == 0
                else s["before_min"].format(m=-t))
    if t == 0:
        return s["start_dose"] if layout.key == "day24" else s["start"]
    h, m = divmod(t, 60)
    out = s["hm"].format(h=h, m=m) if h and m else s["h"].format(h=h) if h else s["m"].format(m=m)
    return out


def _fmt(x: float) -> str:
    return f"{x:.0f}" if math.isclose(x, round(x)) else f"{x:.1f}"


def duration_words(minutes: float) -> str:
    """'9 minutes', '25 minutes', '1 hour and 15 minutes' (rounded as the model deserves)."""
    s = strings()["time"]["long"]
    m = max(float(minutes), 0.0)
    if m < 10:
        n = max(int(round(m)), 1)
        return f"{n} {s['minute'] if n == 1 else s['minutes']}"
    if m < 60:
        n = int(5 * round(m / 5))
        if n < 60:
            return f"{n} {s['minutes']}"
    q = int(15 * round(m / 15))
    h, mm = divmod(q, 60)
    hours = f"{h} {s['hour'] if h == 1 else s['hours']}"
    return hours if mm == 0 else f"{hours} {s['and']} {mm} {s['minutes']}"


def duration_short(minutes: float) -> str:
    """'9 min', '25 min', '1 h 15 min' (on the figure)."""
    m = max(float(minutes), 0.0)
    if m < 10:
        return f"{max(int(round(m)), 1)} min"
    if m < 57.5:
        return f"{int(5 * round(m / 5))} min"
    q = int(15 * round(m / 15))
    h, mm = divmod(q, 60)
    return f"{h} h" if mm == 0 else f"{h} h {mm} min"


# --- The model, once per protocol, weight and model ----------------------------------------------


@dataclass(frozen=True)
class Phase:
    """A block of the strip: what happens from `start_min` to `end_min` (lane 'happen' or
    'checks'), with its words and reference keys."""

    key: str
    lane: str
    start_min: float
    end_min: float
    label: str
    lines: tuple[str, ...]
    short: str
    now: str
    refs: tuple[str, ...]
    example: bool
    to_edge: bool = False        # runs on past the end of the axis (the rest of the day)


@dataclass(frozen=True, eq=False)
class SessionCurve:
    """One session of a protocol for one weight: the level at every minute and what it means."""

    protocol_id: str
    weight_kg: float
    model: str
    layout: Layout
    pattern: str
    times_min: np.ndarray = field(repr=False)
    conc: np.ndarray = field(repr=False)
    end_min: float                       # end of the last dose (end of the drip)
    dose_times_min: tuple[float, ...]
    t_peak_min: float
    c_peak: float
    fall_ref_min: float                  # when "after it stops" counts from (end, or the peak)
    below_floaty_after_min: float | None
    below_relief_after_min: float | None
    feel_spans: tuple[tuple[float, float], ...]
    phases: tuple[Phase, ...]
    checks: Phase
    example: bool
    refs: tuple[str, ...]

    @property
    def protocol(self) -> Protocol:
        return protocols()[self.protocol_id]

    def index(self, t_min: float) -> int:
        """Index into `times_min` / `conc` of the minute nearest `t_min` (-1 before the start)."""
        if t_min < 0:
            return -1
        return int(min(round(t_min), self.times_min.size - 1))

    def level_at(self, t_min: float) -> float:
        """The level (ng/mL) at `t_min` minutes from the start (0 before the start)."""
        i = self.index(t_min)
        return 0.0 if i < 0 else float(self.conc[i])

    def phase_at(self, t_min: float) -> Phase | None:
        for p in self.phases:
            if p.start_min <= t_min < p.end_min or (p.to_edge and t_min >= p.start_min):
                return p
        return None

    def in_checks(self, t_min: float) -> bool:
        c = self.checks
        return c.start_min <= t_min <= c.end_min

    def feeling(self, t_min: float) -> bool:
        return any(a <= t_min <= b for a, b in self.feel_spans)


def _spans_above(t: np.ndarray, c: np.ndarray, level: float) -> tuple[tuple[float, float], ...]:
    above = c >= level
    if not above.any():
        return ()
    edges = np.flatnonzero(np.diff(above.astype(np.int8)))
    starts = [0] if above[0] else []
    ends = []
    for e in edges:
        if above[e + 1]:
            starts.append(e + 1)
        else:
            ends.append(e)
    if above[-1]:
        ends.append(len(c) - 1)
    return tuple((float(t[a]), float(t[b])) for a, b in zip(starts, ends, strict=True))


def _fall_after(t: np.ndarray, c: np.ndarray, ref: float, level: float) -> float | None:
    """Minutes after `ref` until the level is first below `level` (None if it never rose above
    it, or is still above it at the end of the axis)."""
    if c.max() < level:
        return None
    i0 = int(np.searchsorted(t, ref))
    below = np.flatnonzero(c[i0:] < level)
    if below.size == 0:
        return None
    return float(t[i0 + below[0]] - ref)


def _phases(protocol: Protocol, pattern: str, layout: Layout, anchors: Mapping[str, float],
            n_doses: int, gap_min: float) -> tuple[tuple[Phase, ...], Phase, bool, tuple]:
    spec = strings()["patterns"][pattern]
    words = {"n": n_doses, "gap": duration_words(gap_min)}

    def build(item: Mapping, lane: str) -> Phase:
        start, end = anchors[item["from"]], anchors[item["to"]]
        lines = tuple(x.format(**words) for x in item.get("lines", ()))
        if not lines and "label2" in item:
            lines = (item["label"].format(**words), item["label2"].format(**words))
        return Phase(key=item.get("key", lane), lane=lane, start_min=start, end_min=end,
                     label=item["label"].format(**words), lines=lines,
                     short=item.get("short", "").format(**words),
                     now=item["now"].format(**words), refs=tuple(item["refs"]),
                     example=bool(item.get("example", False)),
                     to_edge=item["to"] == "axis_end" and lane == "happen")

    phases = tuple(build(p, "happen") for p in spec["phases"])
    checks = build(spec["checks"], "checks")
    return phases, checks, bool(spec.get("example", False)), tuple(spec.get("refs", ()))


@lru_cache(maxsize=64)
def session_curve(protocol_id: str, weight_kg: float, model: str = pk.DEFAULT_MODEL
                  ) -> SessionCurve:
    """Simulate one session of a protocol (1-min steps over its layout) and derive what the
    views show. Cached: a cursor move never simulates."""
    protocol = protocols()[protocol_id]
    weight = pk.validate_weight(weight_kg)
    layout = layout_for(protocol)
    pattern = pattern_for(protocol)
    t = np.arange(0.0, layout.hi_min + 1.0)
    c = pk.simulate(model, weight, protocol.regimen(weight), t)
    c.setflags(write=False)
    t.setflags(write=False)
    end = max(d.end_min for d in protocol.doses)
    dose_times = tuple(sorted({d.at_min for d in protocol.doses}))
    t_peak, c_peak = pk.peak(t, c)
    ref = end if protocol.route == "intravenous" else t_peak
    spec = strings()["patterns"][pattern]
    anchors = {
        "arrive": -float(spec.get("arrive_before_min", 0)),
        "start": 0.0,
        "end": end,
        "home": end + float(spec.get("recovery_min", 0)),
        "peak": t_peak,
        "last_dose": dose_times[-1],
        "axis_end": float(layout.hi_min),
    }
    gaps = np.diff(dose_times)
    phases, checks, example, refs = _phases(protocol, pattern, layout, anchors, len(dose_times),
                                            float(gaps.min()) if gaps.size else 0.0)
    return SessionCurve(
        protocol_id=protocol_id, weight_kg=weight, model=model, layout=layout, pattern=pattern,
        times_min=t, conc=c, end_min=end, dose_times_min=dose_times, t_peak_min=t_peak,
        c_peak=c_peak, fall_ref_min=ref,
        below_floaty_after_min=_fall_after(t, c, ref, FLOATY),
        below_relief_after_min=_fall_after(t, c, ref, RELIEF),
        feel_spans=_spans_above(t, c, FLOATY), phases=phases, checks=checks, example=example,
        refs=refs)


# --- The background (drawn once per layout) ------------------------------------------------------


def new_figure(width_px: float, height_px: float) -> Figure:
    """An empty figure of this size (matplotlib is imported here, on a cache miss only)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_px / 100, height_px / 100), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def paper_axes(fig: Figure, width: float, height: float):
    """An invisible axes over the whole figure in overlay pixels (y down), for margins."""
    paper = fig.add_axes((0, 0, 1, 1), zorder=5)
    paper.set_xlim(0, width)
    paper.set_ylim(height, 0)
    paper.axis("off")
    paper.patch.set_visible(False)
    return paper


def draw_level_axes(fig: Figure, paper, box: Box, lo_min: float, hi_min: float, unit_min: float,
                    ticks: Sequence[float], x_label: str):
    """The log-scale level axes with the overlapping bands (fill, hatch AND words), gridlines and
    axis words; the tick labels of y are left to the overlay (words or numbers by audience)."""
    s = strings()["session"]
    ax = fig.add_axes(box.frac(fig.bbox.width, fig.bbox.height))
    ax.set_yscale("log")
    ax.set_ylim(*Y_RANGE)
    ax.set_xlim(lo_min / unit_min, hi_min / unit_min)
    ax.set_yticks([1, 10, 100, 1000])
    ax.yaxis.set_minor_locator(_null_locator())
    ax.set_yticklabels([])
    ax.tick_params(axis="y", length=0)
    ax.set_xticks(list(ticks))
    ax.set_xticklabels([_fmt(v) for v in ticks], fontsize=pt(TICK_PX))
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
             s["y_label"], rotation=90, va="center", ha="left", fontsize=pt(LABEL_PX),
             color=pal.INK)
    _band_labels(paper, box)
    return ax


def _null_locator():
    from matplotlib.ticker import NullLocator

    return NullLocator()


def _band_labels(paper, box: Box) -> None:
    """Brackets in each band's colour and hatch to the right of the axes, with its name."""
    from matplotlib.patches import Rectangle

    s = strings()["session"]["bands"]
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
    paper.text(tx, y_relief + 10, s["relief"], va="center", **text)
    y_floaty = float(amap.y(BANDS["dissociation"].high_ng_ml))
    paper.plot([x0 + 24, tx - 4], [y_floaty + 4, y_floaty - 12],
               color=pal.BAND_EDGES["dissociation"], lw=1.2)
    words = s["dissociation"].split(" ", 1)
    paper.text(tx, y_floaty - 12, "\n".join(words), va="bottom", linespacing=1.05, **text)
    y_an = float(amap.y(math.sqrt(BANDS["anaesthesia"].low_ng_ml
                                  * BANDS["anaesthesia"].high_ng_ml)))
    paper.text(tx, y_an, f"{s['anaesthesia']}\n{s['anaesthesia_note']}", va="center",
               linespacing=1.05, **text)


def _draw_strip(paper, layout: Layout, amap: AxisMap) -> None:
    from matplotlib.patches import Rectangle

    s = strings()["session"]["lanes"]
    for i, lane in enumerate(LANES):
        top = STRIP.top + i * LANE_H
        paper.add_patch(Rectangle((STRIP.left, top), STRIP_RIGHT - STRIP.left, LANE_H,
                                  facecolor=pal.PANEL if i % 2 == 0 else "#ffffff",
                                  edgecolor="none", zorder=0))
        words = s[lane].split(" ")
        label = s[lane] if len(s[lane]) <= 9 else "\n".join(
            [" ".join(words[:-1]), words[-1]] if len(words) > 1 else words)
        paper.text(STRIP.left - 10, top + LANE_H / 2, label, ha="right", va="center",
                   fontsize=pt(STRIP_PX - 1), fontweight="bold", color=pal.MUTED_INK,
                   linespacing=1.0)
    paper.plot([STRIP.left, STRIP_RIGHT], [STRIP.top, STRIP.top], color=pal.GRID, lw=1)
    paper.plot([STRIP.left, STRIP_RIGHT], [STRIP.bottom, STRIP.bottom], color=pal.GRID, lw=1)
    for tick in layout.ticks:
        x = float(amap.x(tick * layout.unit_min))
        paper.plot([x, x], [STRIP.top, STRIP.bottom], color=pal.GRID, lw=0.9, zorder=0.5)
    if layout.lo_min < 0:
        x = float(amap.x(0))
        paper.plot([x, x], [STRIP.top, STRIP.bottom], color=pal.MUTED_INK, lw=1.6,
                   ls=(0, (5, 3)), zorder=0.6)


def _draw_session(fig: Figure, layout: Layout) -> AxisMap:
    paper = paper_axes(fig, W, H)
    x_label = strings()["session"]["layouts"][layout.key]
    draw_level_axes(fig, paper, PLOT, layout.lo_min, layout.hi_min, layout.unit_min,
                    layout.ticks, x_label)
    amap = AxisMap(PLOT, layout.lo_min, layout.hi_min)
    _draw_strip(paper, layout, amap)
    return amap


@lru_cache(maxsize=len(LAYOUTS))
def session_scene(layout_key: str) -> tuple[Scene, AxisMap]:
    """The session view's still parts for one layout: from the cache, or drawn and rendered
    once per process."""
    layout = LAYOUTS[layout_key]

    def draw() -> Figure:
        fig = new_figure(W, H)
        _draw_session(fig, layout)
        return fig

    scene = Scene(draw, (W, H), strings_key(f"session-{layout_key}"))
    scene.background_png()
    return scene, AxisMap(PLOT, layout.lo_min, layout.hi_min)


# --- Shared overlay pieces -----------------------------------------------------------------------


def overlay_text(x, y, content, size=LABEL_PX, **attrs) -> str:
    return svg.text(x, y, content, size=size, dominant_baseline="central", **attrs)


def boxed_text(x: float, y: float, content: str, size: float = LABEL_PX, anchor: str = "start",
               stroke: str = pal.INK, bold: bool = False, **attrs) -> list[str]:
    """Text on a white rounded box (readable over bands and hatches)."""
    w = 0.57 * size * len(content) * (1.06 if bold else 1.0) + 16
    left = x - 8 if anchor == "start" else x - w + 8 if anchor == "end" else x - w / 2
    return [
        svg.rect(left, y - size * 0.75, w, size * 1.5, rx=6, fill="#ffffff", stroke=stroke,
                 stroke_width=1.5),
        overlay_text(x, y, content, size=size, text_anchor=anchor,
                     font_weight="bold" if bold else None, **attrs),
    ]


def y_axis_overlay(box: Box, mode: str) -> list[str]:
    """Words (patient: 'low', 'higher') or numbers with the unit (trainee) beside the y axis."""
    s = strings()["session"]
    amap = AxisMap(box, 0, 1)
    x = box.left - 10
    out = []
    if mode == "trainee":
        for v in (1, 10, 100, 1000):
            out.append(overlay_text(x, float(amap.y(v)), f"{v:,}", size=TICK_PX,
                                    text_anchor="end"))
        out.append(overlay_text(20, box.top - 12, f"{s['y_unit']} ({s['y_scale_note']})",
                                size=TICK_PX - 1, fill=pal.MUTED_INK, class_="kx-tl-unit"))
    else:
        out.append(overlay_text(x, float(amap.y(2.0)), s["y_low"], size=TICK_PX,
                                text_anchor="end", fill=pal.MUTED_INK))
        y_hi = float(amap.y(1500.0))
        out.append(overlay_text(x, y_hi, f"{s['y_high']} ↑", size=TICK_PX, text_anchor="end",
                                fill=pal.MUTED_INK))
    return out


def hatch_defs() -> str:
    """SVG hatch patterns matching the background's band hatches (for strip spans)."""
    return svg.element("defs", [svg.element(
        "pattern",
        [svg.rect(0, 0, 8, 8, fill=pal.BAND_FILLS["dissociation"]),
         svg.line(0, 0, 8, 8, stroke=pal.BAND_EDGES["dissociation"], stroke_width=1)],
        id="kx-tl-floaty", width=8, height=8, patternUnits="userSpaceOnUse")])


# --- The session overlay -------------------------------------------------------------------------


def _fit(phase: Phase, width: float, size: float) -> tuple[str, ...]:
    """The words that fit a block: the label, or its two lines (a little smaller), or the short
    form, or nothing (the describer still says it)."""
    room = width - 12
    if text_width(phase.label, size) <= room and not (phase.lines and phase.to_edge):
        return (phase.label,)
    if phase.lines and all(text_width(x, size - 2) <= room for x in phase.lines):
        return phase.lines
    if text_width(phase.label, size) <= room:
        return (phase.label,)
    if phase.short and text_width(phase.short, size) <= room:
        return (phase.short,)
    return ()


def _block(phase: Phase, amap: AxisMap, lane: int, fill: str, stroke: str,
           bold: bool = False) -> list[str]:
    x0 = float(amap.x(max(phase.start_min, amap.lo_min)))
    x1 = STRIP_RIGHT if phase.to_edge else float(amap.x(min(phase.end_min, amap.hi_min)))
    if x1 - x0 < 3:
        return []
    top = STRIP.top + lane * LANE_H + 5
    h = LANE_H - 10
    out = [svg.rect(x0 + 1.5, top, x1 - x0 - 3, h, rx=7, fill=fill, stroke=stroke,
                    stroke_width=2 if bold else 1.3)]
    lines = _fit(phase, x1 - x0, STRIP_PX)
    size = STRIP_PX if len(lines) < 2 else STRIP_PX - 2
    mid = top + h / 2
    for i, line in enumerate(lines):
        y = mid + (i - (len(lines) - 1) / 2) * (size + 1)
        out.append(overlay_text((x0 + x1) / 2, y, line, size=size, text_anchor="middle",
                                font_weight="bold" if bold else None))
    return out


def plot_indices(n: int, step: int, keys: Sequence[float]) -> np.ndarray:
    """Every `step`-th of `n` samples, plus the samples at `keys` and the last one, sorted and
    unique. (Not `np.unique`: it imports numpy.ma, 1.2 MB in every viewer's kernel.)"""
    picked = set(range(0, n, step))
    picked.update(min(max(int(round(k)), 0), n - 1) for k in keys)
    picked.add(n - 1)
    return np.fromiter(sorted(picked), dtype=np.intp, count=len(picked))


def _decimate(curve: SessionCurve, max_points: int = 720) -> np.ndarray:
    n = curve.times_min.size
    step = max(1, int(math.ceil(n / max_points)))
    return plot_indices(n, step, (curve.end_min, curve.t_peak_min, *curve.dose_times_min))


@lru_cache(maxsize=128)
def session_static(curve: SessionCurve, mode: str) -> tuple[str, ...]:
    """The overlay parts that do not move with the cursor: title, y words or numbers, the
    curve, and the strip (phases, checks, when you may feel floaty, when that eases)."""
    s = strings()
    ss = s["session"]
    amap = AxisMap(PLOT, curve.layout.lo_min, curve.layout.hi_min)
    protocol = curve.protocol
    out: list[str] = [hatch_defs()]
    title = ss["title"].format(name=protocol.name)
    if len(protocol.session_days) > 1 and curve.pattern != "daily-doses":
        title += f" ({ss['title_course_part'].format(n=len(protocol.session_days))})"
    out.append(overlay_text(16, 22, title, size=LABEL_PX + 1, font_weight="bold",
                            class_="kx-tl-title"))
    if protocol.example:       # the whole protocol is an example: say so by the title
        out.append(overlay_text(PLOT.right, PLOT.top - 14, s["example_tag"], size=STRIP_PX - 2,
                                text_anchor="end", fill=pal.MUTED_INK, font_style="italic",
                                class_="kx-tl-example"))
    elif curve.example:        # the trial is cited, but the day around it is clinic practice
        out.append(overlay_text(STRIP_RIGHT, STRIP.top - 14, s["example_tag"],
                                size=STRIP_PX - 2, text_anchor="end", fill=pal.MUTED_INK,
                                font_style="italic", class_="kx-tl-example"))
    out += y_axis_overlay(PLOT, mode)

    # the curve (line from the first minute; levels below the axis run along its floor)
    idx = _decimate(curve)
    xs = amap.x(curve.times_min[idx])
    ys = amap.y(curve.conc[idx])
    out.append(svg.polyline(xs, ys, stroke=pal.CURVE, stroke_width=4, stroke_linejoin="round",
                            class_="kx-tl-curve"))

    # the strip: what happens, checks, feelings
    for phase in curve.phases:
        drip = phase.key in ("drip", "doses")
        out += _block(phase, amap, 0, "#ffffff" if drip else pal.PANEL,
                      pal.CURVE if drip else pal.MUTED_INK, bold=drip)
    out += _block(curve.checks, amap, 1, "#ffffff", pal.MUTED_INK)
    if curve.pattern in ("single-dose", "daily-doses"):
        for t in curve.dose_times_min:
            x = float(amap.x(t))
            y = STRIP.top + 2
            out.append(svg.polygon([x - 8, x + 8, x], [y, y, y + 12], fill=pal.CURVE))
            out.append(svg.line(x, y + 10, x, STRIP.top + LANE_H - 4, stroke=pal.CURVE,
                                stroke_width=2.5))
    out += _feel_lane(curve, amap)
    return tuple(out)


def _feel_lane(curve: SessionCurve, amap: AxisMap) -> list[str]:
    f = strings()["session"]["feel"]
    e = strings()["session"]["eases"]
    top = STRIP.top + 2 * LANE_H + 5
    h = LANE_H - 10
    mid = top + h / 2
    out: list[str] = []
    if not curve.feel_spans:
        out.append(overlay_text(float(amap.x(0)) + 8, mid, f["none"], size=STRIP_PX,
                                fill=pal.MUTED_INK, font_style="italic"))
        return out
    last_x = 0.0
    for a, b in curve.feel_spans:
        x0, x1 = float(amap.x(a)), float(amap.x(b))
        out.append(svg.rect(x0, top, max(x1 - x0, 3), h, rx=7, fill="url(#kx-tl-floaty)",
                            stroke=pal.BAND_EDGES["dissociation"], stroke_width=1.5))
        for words in (f["label"], f["short"]):
            if text_width(words, STRIP_PX) + 14 <= x1 - x0:
                out += boxed_text((x0 + x1) / 2, mid, words, size=STRIP_PX - 1,
                                  anchor="middle", stroke=pal.BAND_EDGES["dissociation"])
                break
        last_x = x1
    if curve.below_floaty_after_min is not None:
        after = duration_short(curve.below_floaty_after_min)
        key = "label" if curve.protocol.route == "intravenous" else "label_dose"
        words = e[key].format(after=after)
        x = last_x + 8
        if x + text_width(words, STRIP_PX - 1) > STRIP_RIGHT:
            words = f"↓ {after}"
        out.append(overlay_text(x, mid, words, size=STRIP_PX - 1, fill=pal.INK,
                                class_="kx-tl-eases"))
    return out


def layer_document(children: Sequence[str], width: float = W, height: float = H) -> str:
    """A second, decorative overlay layer in the same pixels (aria-hidden: the figure's label and
    the describer carry the words). The session view keeps the time cursor in it, so a cursor
    move sends about 1 KB instead of the whole overlay."""
    return svg.element("svg", list(children), xmlns="http://www.w3.org/2000/svg",
                       viewBox=f"0 0 {width:.0f} {height:.0f}",
                       preserveAspectRatio="xMidYMid meet", aria_hidden="true",
                       focusable="false", class_="kx-overlay kx-overlay-layer")


def session_cursor(curve: SessionCurve, t_min: float, mode: str, level_text: str) -> list[str]:
    """The moving parts: a vertical line through the plot and the strip, a dot on the curve, a
    label with the time and level, and an outline on the phase happening now."""
    amap = AxisMap(PLOT, curve.layout.lo_min, curve.layout.hi_min)
    x = float(amap.x(t_min))
    level = curve.level_at(t_min)
    out = [svg.line(x, PLOT.top, x, STRIP.bottom, stroke=pal.CURSOR, stroke_width=2.5,
                    class_="kx-tl-cursor")]
    phase = curve.phase_at(t_min)
    if phase is not None:
        x0 = float(amap.x(max(phase.start_min, amap.lo_min)))
        x1 = STRIP_RIGHT if phase.to_edge else float(amap.x(min(phase.end_min, amap.hi_min)))
        out.append(svg.rect(x0 - 1, STRIP.top + 2, x1 - x0 + 2, LANE_H - 4, rx=9, fill="none",
                            stroke=pal.CURSOR, stroke_width=3, class_="kx-tl-now"))
    if level >= Y_RANGE[0]:
        out.append(svg.circle(x, float(amap.y(level)), 8, fill=pal.CURVE, stroke="#ffffff",
                              stroke_width=3, class_="kx-tl-dot"))
    label = f"{short_time(t_min, curve.layout)} · {level_text}"
    size = LABEL_PX
    w = text_width(label, size) + 16
    anchor = "start" if x + 10 + w <= PLOT.right + 150 else "end"
    lx = x + 12 if anchor == "start" else x - 12
    out += boxed_text(lx, PLOT.top + 20, label, size=size, anchor=anchor, stroke=pal.CURSOR,
                      bold=True, class_="kx-tl-cursor-label")
    return out
