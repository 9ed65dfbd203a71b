"""The pain-signal diagram: a pain nerve, the synapse in the spinal cord, and the way to the brain.

Matplotlib draws the still parts once per process (`diagram_scene`, `chart_scene`, both cached);
everything that moves is a light SVG overlay built by pure functions from a `DiagramFrame` or a
`ChartFrame`, so an update never touches matplotlib and can be tested without a browser:

    frame = diagram_frame(nmda.simulate(115.0), impulse=16, mode="patient")
    elements = diagram_overlay(frame)                 # list of SVG strings
    svg_text = diagram_scene().svg(elements, label)   # one small document (a few KB)

Left to right: BODY (skin, pinch, pain nerve) → SPINAL CORD (nerve ending, glutamate in the gap,
AMPA and NMDA channels in the spinal cord nerve cell's membrane, the cell) → BRAIN (a signal bar
that fills towards the brain, with words for its strength). The NMDA channels each hold a
magnesium plug that moves out and fades as the cell depolarises, and ketamine markers ("K") in
a share of them that follows the fraction blocked. Colour is never the only cue: every part is
labelled, the plug moves as well as fades, and ketamine is a lettered square.

All words come from `assets/content/pain_signal.yaml` (`strings()`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import yaml

from explainer.figures import palette as pal
from explainer.figures import svg
from explainer.figures.scene import Scene, background_key
from explainer.models.nmda import SynapseResult
from explainer.serving.paths import assets_dir

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "CHART",
    "ChartFrame",
    "DiagramFrame",
    "GEOMETRY",
    "N_CHANNELS",
    "chart_frame",
    "chart_overlay",
    "chart_scene",
    "diagram_frame",
    "diagram_overlay",
    "diagram_scene",
    "share_phrase",
    "strength_index",
    "strings",
]

STRINGS_FILE = "content/pain_signal.yaml"


@lru_cache(maxsize=1)
def strings() -> Mapping:
    """Every visible string of the diagram and its widget (`assets/content/pain_signal.yaml`)."""
    return yaml.safe_load((assets_dir() / STRINGS_FILE).read_text(encoding="utf-8"))


# --- Layout (overlay pixels; the background uses the same numbers with y pointing up) ------------

W, H = 1040, 500
"""Figure size in layout pixels (10.4 × 5 inches at 100 dpi); the PNG is twice that."""
LABEL_PT = 14
"""On-figure words: 14 pt = 19.4 layout px, about 13.6 px when the figure is 730 px wide."""
OVERLAY_PX = 19
"""Overlay words, in layout px (same size as the background's)."""
WORD_BOX_W = 132
"""Width of the box round the current strength word (fits "very strong" in bold)."""
N_CHANNELS = 6
"""NMDA channels drawn; ketamine markers fill round(6 × fraction blocked) of them."""


@dataclass(frozen=True)
class Geometry:
    """Where the parts sit, in layout pixels with y pointing UP (matplotlib's way)."""

    body: tuple[float, float, float, float] = (8, 250, 160, 242)      # x, y, w, h
    key: tuple[float, float, float, float] = (8, 8, 160, 234)
    spinal: tuple[float, float, float, float] = (176, 8, 644, 484)
    brain: tuple[float, float, float, float] = (828, 8, 204, 484)
    nerve_y: float = 410
    skin_x: float = 88
    terminal: tuple[float, float, float, float] = (352, 360, 448, 84)
    gap: tuple[float, float] = (320, 360)                             # y range of the gap
    membrane: tuple[float, float] = (272, 292)                        # y range of the membrane
    cell: tuple[float, float, float, float] = (296, 36, 516, 256)
    receptor_y: tuple[float, float] = (262, 318)                      # bottom, top of receptors
    ampa_x: float = 350
    nmda_x0: float = 432
    channel_step: float = 66
    subunit_w: float = 15
    pore_w: float = 26
    mg_r: float = 12
    k_size: float = 26
    mg_rest_y: float = 305                                            # plug centre in the mouth
    mg_out_dy: float = 40                                             # how far it moves out
    k_y: float = 279                                                  # ketamine in the pore
    tube: tuple[float, float, float, float] = (846, 96, 28, 244)      # signal bar x, y, w, h
    brain_centre: tuple[float, float] = (944, 414)

    def nmda_centres(self) -> list[float]:
        return [self.nmda_x0 + i * self.channel_step for i in range(N_CHANNELS)]

    @property
    def pulse_end(self) -> tuple[float, float]:
        return (self.terminal[0] - 4, self.nerve_y)


GEOMETRY = Geometry()


def _oy(y: float) -> float:
    """Background y (up) to overlay y (down)."""
    return H - y


def strength_index(response: float) -> int:
    """0 weak, 1 medium, 2 strong, 3 very strong (cut-offs from the strings file)."""
    return int(np.searchsorted(strings()["strength"]["cutoffs"], response, side="right"))


def _tube_y(response: float) -> float:
    """Height (background y) of the signal bar for a relative response."""
    g = GEOMETRY
    full = strings()["strength"]["full_scale"]
    return g.tube[1] + g.tube[3] * min(max(response, 0.0) / full, 1.0)


def _word_centres() -> list[float]:
    """Background y of each strength word beside the bar (the middle of its stretch)."""
    cut = [0.0, *strings()["strength"]["cutoffs"], strings()["strength"]["full_scale"]]
    return [_tube_y((a + b) / 2) for a, b in zip(cut[:-1], cut[1:], strict=True)]


# --- The background (drawn once) -----------------------------------------------------------------


def _new_figure(width_px: float, height_px: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_px / 100, height_px / 100), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def _panel(ax, box, title: str | None, title_x: float | None = None) -> None:
    from matplotlib.patches import FancyBboxPatch

    x, y, w, h = box
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0,rounding_size=14",
                                facecolor=pal.PANEL, edgecolor=pal.GRID, linewidth=1.2))
    if title:
        ax.text(x + 14 if title_x is None else title_x, y + h - 22, title, fontsize=LABEL_PT,
                fontweight="bold", color=pal.MUTED_INK, va="center", ha="left")


def _channel(ax, cx: float, colour: str, edge: str, housing: str) -> None:
    """A receptor channel: two subunits round a pore, in a pale housing that groups them."""
    from matplotlib.patches import FancyBboxPatch

    g = GEOMETRY
    y0, y1 = g.receptor_y
    half = g.pore_w / 2 + g.subunit_w
    ax.add_patch(FancyBboxPatch((cx - half - 3, y0 - 3), 2 * half + 6, y1 - y0 + 6,
                                boxstyle="round,pad=0,rounding_size=9", facecolor=housing,
                                edgecolor=edge, linewidth=1, zorder=3))
    for side in (-1, 1):
        x = cx + side * (g.pore_w / 2 + g.subunit_w / 2) - g.subunit_w / 2
        ax.add_patch(FancyBboxPatch((x, y0), g.subunit_w, y1 - y0,
                                    boxstyle="round,pad=0,rounding_size=6",
                                    facecolor=colour, edgecolor=edge, linewidth=1.5, zorder=4))


def _brain(ax, cx: float, cy: float) -> None:
    """A simple brain: a bumpy outline (a union of circles) and a few folds."""
    from matplotlib.patches import Circle

    fill, edge = pal.BAND_FILLS["anaesthesia"], pal.BAND_EDGES["anaesthesia"]
    lobes = ((-48, -2, 24), (-26, 16, 27), (6, 22, 27), (38, 12, 25), (52, -8, 20),
             (26, -18, 22), (-8, -18, 24), (-34, -16, 20), (0, 0, 30))
    for dx, dy, r in lobes:
        ax.add_patch(Circle((cx + dx, cy + dy), r, facecolor="none", edgecolor=edge, lw=4,
                            zorder=2))
    for dx, dy, r in lobes:
        ax.add_patch(Circle((cx + dx, cy + dy), r, facecolor=fill, edgecolor="none", zorder=3))
    t = np.linspace(0, 1, 40)
    for x0, y0, length, amp, turns in ((-52, 8, 44, 5, 2), (-10, 20, 50, 5, 2.5),
                                       (-40, -12, 50, 4, 2.5), (16, -4, 44, 5, 2)):
        ax.plot(cx + x0 + length * t, cy + y0 + amp * np.sin(2 * np.pi * turns * t),
                color=edge, lw=1.6, zorder=4, solid_capstyle="round")


def _draw_diagram(fig: Figure) -> None:
    from matplotlib.patches import Circle, FancyBboxPatch, Polygon, Rectangle

    s = strings()["figure"]
    g = GEOMETRY
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, W)
    ax.set_ylim(0, H)
    ax.axis("off")
    text = {"fontsize": LABEL_PT, "color": pal.INK, "va": "center"}

    _panel(ax, g.body, s["regions"]["body"])
    _panel(ax, g.key, s["regions"]["key"])
    _panel(ax, g.spinal, s["regions"]["spinal_cord"])
    _panel(ax, g.brain, s["regions"]["brain"])

    # BODY: a patch of skin, a pinch, and the pain nerve leaving it.
    sx = g.skin_x
    ax.add_patch(FancyBboxPatch((sx - 62, g.nerve_y - 20), 124, 38,
                                boxstyle="round,pad=0,rounding_size=16",
                                facecolor=pal.BAND_FILLS["dissociation"],
                                edgecolor=pal.BAND_EDGES["dissociation"], linewidth=1.5))
    for side in (-1, 1):
        ax.annotate("", xy=(sx + side * 9, g.nerve_y + 22), xytext=(sx + side * 40, g.nerve_y + 50),
                    arrowprops={"arrowstyle": "-|>,head_length=0.6,head_width=0.35",
                                "color": pal.INK, "lw": 2.5})
    # the nerve: from the skin to the nerve ending in the spinal cord
    ax.plot([sx, g.terminal[0] + 12], [g.nerve_y, g.nerve_y], color=pal.NERVE, lw=5,
            solid_capstyle="round", zorder=2)
    ax.text((g.spinal[0] + g.terminal[0]) / 2 + 6, g.nerve_y - 28, s["pain_nerve"],
            ha="center", **text)

    # SPINAL CORD: the nerve ending with its vesicles of glutamate
    tx, ty, tw, th = g.terminal
    ax.add_patch(FancyBboxPatch((tx, ty), tw, th, boxstyle="round,pad=0,rounding_size=40",
                                facecolor="#ffffff", edgecolor=pal.NERVE, linewidth=3, zorder=3))
    ax.text(tx + tw / 2, ty + th - 26, s["nerve_ending"], ha="center", zorder=5, **text)
    for i in range(9):
        vx = tx + 46 + i * (tw - 92) / 8
        ax.add_patch(Circle((vx, ty + 26), 11, facecolor="#fdf1dc", edgecolor=pal.GLUTAMATE,
                            linewidth=1.5, zorder=4))
        for dx, dy in ((-3.5, -2.5), (3.5, -2.5), (0, 4)):
            ax.add_patch(Circle((vx + dx, ty + 26 + dy), 2.2, facecolor=pal.GLUTAMATE,
                                edgecolor="none", zorder=5))
    # the gap, named where the glutamate appears
    gap_mid = sum(g.gap) / 2
    ax.text(g.cell[0] + 36, gap_mid, s["glutamate"], ha="right", **text)
    ax.annotate("", xy=(g.cell[0] + 62, gap_mid), xytext=(g.cell[0] + 40, gap_mid),
                arrowprops={"arrowstyle": "-|>", "color": pal.INK, "lw": 2})

    # the spinal cord nerve cell: its membrane faces the gap
    cx0, cy0, cw, ch = g.cell
    ax.add_patch(FancyBboxPatch((cx0, cy0), cw, ch, boxstyle="round,pad=0,rounding_size=30",
                                facecolor="#ffffff", edgecolor=pal.MUTED_INK, linewidth=2.5,
                                zorder=1))
    m0, m1 = g.membrane
    ax.add_patch(Rectangle((cx0 + 24, m0), cw - 48, m1 - m0, facecolor=pal.GRID,
                           edgecolor="none", zorder=2))
    ax.text(cx0 + cw / 2, cy0 + 52, s["spinal_cell"], ha="center", **text)

    # AMPA (always lets its current through) and the NMDA channels
    _channel(ax, g.ampa_x, pal.AMPA, "#1f5f86", "#e6f4fc")
    for cx in g.nmda_centres():
        _channel(ax, cx, pal.NMDA, "#003f63", pal.BAND_FILLS["relief"])
    label_y = g.receptor_y[0] - 30
    ax.text(g.ampa_x, label_y, s["ampa"], ha="center", fontweight="bold", **text)
    centres = g.nmda_centres()
    left = centres[0] - g.pore_w / 2 - g.subunit_w
    right = centres[-1] + g.pore_w / 2 + g.subunit_w
    ax.plot([left, left, right, right], [label_y + 14, label_y + 20, label_y + 20, label_y + 14],
            color=pal.MUTED_INK, lw=1.5)
    ax.text((left + right) / 2, label_y, s["nmda"], ha="center", fontweight="bold",
            bbox={"facecolor": "#ffffff", "edgecolor": "none", "pad": 2}, **text)

    # the axon leaving the cell towards the brain
    bx, by, bw, bh = g.tube
    ax.plot([cx0 + cw - 2, bx + 2], [by + 14, by + 14], color=pal.MUTED_INK, lw=5,
            solid_capstyle="butt", zorder=3)

    # BRAIN: a simple brain, and a bar that fills towards it
    bcx, bcy = g.brain_centre
    _brain(ax, bcx, bcy)
    ax.add_patch(FancyBboxPatch((bx, by), bw, bh, boxstyle="round,pad=0,rounding_size=6",
                                facecolor="#ffffff", edgecolor=pal.MUTED_INK, linewidth=2))
    tip = bcy - 30
    ax.add_patch(Polygon([(bx - 10, by + bh + 4), (bx + bw + 10, by + bh + 4),
                          (bx + bw / 2, tip - 2)], closed=True, facecolor=pal.MUTED_INK,
                         edgecolor="none"))
    ax.text(bx + bw + 16, by + bh + 14, s["to_brain"], ha="left", **text)
    for cut in strings()["strength"]["cutoffs"]:
        yy = _tube_y(cut)
        ax.plot([bx + bw, bx + bw + 7], [yy, yy], color=pal.MUTED_INK, lw=1.5)
    for word, yy in zip(strings()["strength"]["words"], _word_centres(), strict=True):
        ax.text(bx + bw + 14, yy, word, ha="left", fontsize=LABEL_PT, color=pal.MUTED_INK,
                va="center")

    # KEY: what the moving parts are
    kx, ky = g.key[0] + 24, g.key[1] + g.key[3] - 70
    ax.add_patch(Circle((kx, ky), 14, facecolor=pal.MAGNESIUM, edgecolor=pal.INK, lw=1.2))
    ax.text(kx, ky, s["mg_symbol"], ha="center", va="center", fontsize=10, fontweight="bold",
            color=pal.INK)
    ax.text(kx + 18, ky, s["magnesium"], ha="left", **text)
    ky -= 52
    k = g.k_size
    ax.add_patch(FancyBboxPatch((kx - k / 2, ky - k / 2), k, k,
                                boxstyle="round,pad=0,rounding_size=4",
                                facecolor=pal.KETAMINE, edgecolor=pal.INK, lw=1.2))
    ax.text(kx, ky, s["ketamine_symbol"], ha="center", va="center", fontsize=11,
            fontweight="bold", color=pal.INK)
    ax.text(kx + 18, ky, s["ketamine"], ha="left", **text)
    ky -= 52
    for dx, dy in ((-6, -3), (5, -5), (0, 6)):
        ax.add_patch(Circle((kx + dx, ky + dy), 4.5, facecolor=pal.GLUTAMATE,
                            edgecolor=pal.INK, lw=0.8))
    ax.text(kx + 18, ky, s["glutamate"], ha="left", **text)


def _diagram_figure() -> Figure:
    fig = _new_figure(W, H)
    _draw_diagram(fig)
    return fig


@lru_cache(maxsize=4)
def diagram_scene(width_px: int = W, height_px: int = H) -> Scene:
    """The diagram's still parts as a `Scene`: from the cache, or drawn and rendered to PNG
    once per process."""
    if (width_px, height_px) != (W, H):
        raise ValueError(f"the diagram is laid out for {W} × {H} px")
    scene = Scene(_diagram_figure, (W, H),
                  background_key("pain-diagram", assets_dir() / STRINGS_FILE))
    scene.background_png()
    return scene


# --- The moving parts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DiagramFrame:
    """Everything the overlay shows, for one state (pure data, cheap to build and compare)."""

    mode: str
    impulse: int
    n_impulses: int
    response: float            # of the latest impulse (0 before the first)
    strength: int              # index into the strength words (-1 before the first impulse)
    mg_out: float              # 0 = plug fully in the pore, 1 = fully out (from depolarisation)
    fraction_blocked: float
    n_ketamine: int            # channels holding a ketamine marker
    ketamine: bool
    blocked_text: str
    animate: bool = False


_SHARES = ((1, 10), (1, 5), (1, 4), (1, 3), (1, 2), (3, 5), (2, 3), (3, 4), (4, 5), (9, 10))


def share_phrase(fraction: float) -> str:
    """'about 1 in 2', 'almost all', 'very few' — the share of channels blocked, in words."""
    words = strings()["shares"]
    if fraction >= 0.97:
        return words["almost_all"]
    if fraction < 0.07:
        return words["very_few"]
    n, d = min(_SHARES, key=lambda nd: abs(nd[0] / nd[1] - fraction))
    return words["about"].format(n=n, d=d)


def _mg_out(mg_unblocked: float) -> float:
    lo, hi = _MG_RANGE
    return float(min(max((mg_unblocked - lo) / (hi - lo), 0.0), 1.0))


def _mg_range() -> tuple[float, float]:
    from explainer.models import nmda

    r = nmda.simulate(0.0)
    return float(r.mg_unblocked[0]), float(r.mg_unblocked.max())


_MG_RANGE = _mg_range()
"""Mg2+-free share at rest and at the 16th impulse with no ketamine: the plug's travel."""


def diagram_frame(result: SynapseResult, impulse: int, mode: str = "patient",
                  animate: bool = False) -> DiagramFrame:
    """The overlay's state after `impulse` impulses (0 = none yet) of `result`."""
    n = result.n_impulses
    k = int(min(max(impulse, 0), n))
    f = float(result.fraction_blocked)
    if k == 0:
        response, strength, unblocked = 0.0, -1, _MG_RANGE[0]
    else:
        response = float(result.response[k - 1])
        strength = strength_index(response)
        unblocked = float(result.mg_unblocked[k - 1])
    blocked = strings()["figure"]["blocked"]
    ketamine = result.conc_ng_ml > 0
    if not ketamine:
        text = blocked["none"]
    elif mode == "trainee":
        text = blocked["trainee"].format(percent=f"{100 * f:.0f}")
    else:
        text = blocked["patient"].format(share=share_phrase(f))
    n_k = int(round(N_CHANNELS * f)) if ketamine else 0
    if ketamine and f > 0.02:
        n_k = max(n_k, 1)
    return DiagramFrame(mode=mode, impulse=k, n_impulses=n, response=response,
                        strength=strength, mg_out=_mg_out(unblocked), fraction_blocked=f,
                        n_ketamine=n_k, ketamine=ketamine, blocked_text=text, animate=animate)


_K_ORDER = (1, 4, 2, 5, 0, 3)
"""Which channels take ketamine first, so a few markers spread across the row."""
_GLUTAMATE = (
    (372, 333), (398, 348), (425, 328), (455, 345), (482, 331), (510, 350), (538, 328),
    (566, 344), (594, 333), (622, 351), (650, 327), (678, 342), (706, 330), (734, 348),
    (762, 335), (786, 346), (440, 352), (580, 352),
)
"""Glutamate dots in the gap (background coordinates), fixed so frames are reproducible."""


FONT = "DejaVu Sans, Arial, sans-serif"


def _text(x, y, content, size=OVERLAY_PX, **attrs) -> str:
    """Overlay text; font and colour come from the enclosing group (keeps the SVG short)."""
    return svg.text(x, y, content, size=size, dominant_baseline="central", font_family=None,
                    fill=attrs.pop("fill", None), **attrs)


def diagram_overlay(frame: DiagramFrame) -> list[str]:
    """The SVG elements of one frame, in overlay pixels (about 3–4 KB in all).

    Shared presentation attributes sit on groups, so each dot or label carries only its place.
    """
    s = strings()["figure"]
    g = GEOMETRY
    out: list[str] = []
    k, n = frame.impulse, frame.n_impulses

    # the impulse counter and the row of pinches (filled = arrived)
    cx = g.body[0] + g.body[2] / 2
    lines = ([s["counter_title"], s["counter"].format(k=k, n=n)] if k else s["counter_none"])
    out.append(_text(cx, _oy(g.body[1] + 128), lines[0], text_anchor="middle"))
    out.append(_text(cx, _oy(g.body[1] + 98), lines[1], size=OVERLAY_PX + 3,
                     text_anchor="middle", font_weight="bold", class_="kx-counter"))
    arrived, waiting = [], []
    for i in range(n):
        row, col = divmod(i, 8)
        x = g.body[0] + 22 + col * 15.5 + (0 if n > 1 else 53)
        y = _oy(g.body[1] + 62 - row * 18)
        (arrived if i < k else waiting).append(svg.circle(x, y, 5.5 if i < k else 5))
    out.append(svg.group(arrived, fill=pal.NERVE, class_="kx-pinches"))
    out.append(svg.group(waiting, fill="#ffffff", stroke=pal.MUTED_INK, stroke_width=1.5))

    if k:
        # the pulse that has just travelled along the nerve, and the glutamate it released
        px, py = g.pulse_end
        travel = px - g.skin_x
        anim = {"class_": "kx-pulse kx-anim-pulse", "style": f"--kx-travel:{-travel:.0f}px"} \
            if frame.animate else {"class_": "kx-pulse"}
        out.append(svg.circle(px, _oy(py), 10, fill=pal.NERVE, stroke="#ffffff",
                              stroke_width=3, **anim))
        dots = [svg.circle(x, _oy(y), 5) for x, y in _GLUTAMATE]
        out.append(svg.group(dots, fill=pal.GLUTAMATE, stroke=pal.INK, stroke_width=0.8,
                             class_="kx-glutamate kx-anim-release" if frame.animate
                             else "kx-glutamate"))

    # magnesium plugs: they move up out of the pore AND fade as the cell depolarises
    y = _oy(g.mg_rest_y + frame.mg_out * g.mg_out_dy)
    opacity = 1.0 - 0.75 * frame.mg_out
    centres = g.nmda_centres()
    out.append(svg.group([
        svg.group([svg.circle(x, y, g.mg_r) for x in centres], fill=pal.MAGNESIUM,
                  stroke=pal.INK, stroke_width=1.2),
        svg.group([_text(x, y + 0.5, s["mg_symbol"], size=11) for x in centres],
                  text_anchor="middle", font_weight="bold"),
    ], class_="kx-mg", opacity=f"{opacity:.2f}"))

    # ketamine in a share of the pores
    half = g.k_size / 2
    ky = _oy(g.k_y)
    xs = [centres[i] for i in sorted(_K_ORDER[: frame.n_ketamine])]
    out.append(svg.group([
        svg.group([svg.rect(x - half, ky - half, g.k_size, g.k_size, rx=5) for x in xs],
                  fill=pal.KETAMINE, stroke=pal.INK, stroke_width=1.5),
        svg.group([_text(x, ky + 1, s["ketamine_symbol"], size=17) for x in xs],
                  text_anchor="middle", font_weight="bold"),
    ], class_="kx-ketamine"))
    out.append(_text((centres[0] + centres[-1]) / 2, _oy(g.receptor_y[0] - 64),
                     frame.blocked_text, text_anchor="middle", class_="kx-blocked"))

    # the signal bar towards the brain, and its word
    bx, by, bw, bh = g.tube
    if k:
        top = _tube_y(frame.response)
        out.append(svg.rect(bx + 3, _oy(top), bw - 6, top - by - 3, rx=3, fill=pal.SIGNAL,
                            class_="kx-signal"))
        word = strings()["strength"]["words"][frame.strength]
        wy = _oy(_word_centres()[frame.strength])
        out.append(svg.rect(bx + bw + 8, wy - 16, WORD_BOX_W, 32, rx=6, fill="#ffffff",
                            stroke=pal.INK, stroke_width=2))
        out.append(_text(bx + bw + 15, wy, word, font_weight="bold", class_="kx-strength"))
    return [svg.group(out, font_family=FONT, fill=pal.INK)]


# --- The trainee chart: response per impulse -----------------------------------------------------

CW, CH = 640, 340
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


def _chart_figure() -> Figure:
    c = strings()["chart"]
    fig = _new_figure(CW, CH)
    ax = fig.add_axes(CHART_AXES)
    ax.set_xlim(*CHART["x_lim"])
    ax.set_ylim(*CHART["y_lim"])
    ax.set_xticks([1, 4, 8, 12, 16])
    ax.set_yticks([0, 1, 2, 3])
    ax.set_xlabel(c["x_label"])
    ax.set_ylabel(c["y_label"], fontsize=13)
    fig.text(0.015, 1 - 24 / CH, c["title"], fontsize=17, fontweight="bold", va="center")
    ax.axhline(1.0, color=pal.MUTED_INK, lw=1, ls=":")
    return fig


def chart_geometry() -> ChartGeometry:
    """The chart's data-to-overlay-pixel map, from the numbers its axes are placed with."""
    left, bottom, width, height = CHART_AXES
    (x_lo, x_hi), (y_lo, y_hi) = CHART["x_lim"], CHART["y_lim"]
    x_scale = width * CW / (x_hi - x_lo)
    y_scale = -height * CH / (y_hi - y_lo)
    return ChartGeometry(x0=left * CW - x_lo * x_scale, x_scale=x_scale,
                         y0=CH - bottom * CH - y_lo * y_scale, y_scale=y_scale,
                         x_lim=CHART["x_lim"], y_lim=CHART["y_lim"])


@lru_cache(maxsize=2)
def chart_scene() -> tuple[Scene, ChartGeometry]:
    """The chart's axes (from the cache, or drawn once per process) and the map from data to
    overlay pixels."""
    scene = Scene(_chart_figure, (CW, CH),
                  background_key("pain-chart", assets_dir() / STRINGS_FILE))
    scene.background_png()
    return scene, chart_geometry()


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


def chart_overlay(frame: ChartFrame, geo: ChartGeometry) -> list[str]:
    """Solid line with round markers = no ketamine; dashed with squares = the chosen level."""
    c = strings()["chart"]
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
                            c["cursor"].format(k=frame.impulse), size=15, text_anchor=anchor,
                            dominant_baseline="central"))
    # legend in words (top right, above the axes), with each curve's line style and marker
    lx, ly = CW - 270, 16
    for i, (label, colour, dash, marker) in enumerate((
        (c["legend_none"], pal.CURVE, None, "circle"),
        (c["legend_level"].format(conc=frame.conc_text), pal.KETAMINE, "8,5", "square"),
    )):
        y = ly + i * 27
        out.append(svg.line(lx, y, lx + 36, y, stroke=colour, stroke_width=3,
                            stroke_dasharray=dash))
        attrs = {"fill": colour, "stroke": colour, "stroke_width": 2}
        out.append(svg.circle(lx + 18, y, 5, **attrs) if marker == "circle"
                   else _square(lx + 18, y, 5, **attrs))
        out.append(svg.text(lx + 44, y, label, size=17, dominant_baseline="central"))
    return out


def format_conc(conc: float) -> str:
    """'115', '12.5', '0', '1,800' — ng/mL as shown."""
    if conc == 0:
        return "0"
    if conc >= 100:
        return f"{conc:,.0f}"
    if conc >= 10:
        return f"{conc:.0f}" if math.isclose(conc, round(conc)) else f"{conc:.1f}"
    return f"{conc:.2g}"
