"""The pain-signal diagram's still parts, drawn once per process (`diagram_scene`): the body, the
synapse in the spinal cord with its channels, the brain and its signal bar, and the key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from explainer.content.strings import per_locale
from explainer.figures import palette as pal
from explainer.figures.geometry import new_figure
from explainer.figures.pain_signal.geometry import (
    GEOMETRIES,
    GEOMETRY,
    LABEL_PT,
    Geometry,
    strings,
    strings_file,
    tube_y,
    word_centres,
)
from explainer.figures.scene import Scene, background_key

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _panel(ax, box, title: str | None, title_x: float | None = None) -> None:
    from matplotlib.patches import FancyBboxPatch

    x, y, w, h = box
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0,rounding_size=14",
                                facecolor=pal.PANEL, edgecolor=pal.GRID, linewidth=1.2))
    if title:
        # A title placed by ``title_x`` ends there (a longer word in another language grows
        # leftwards, inside its panel); otherwise it starts at the panel's left.
        ax.text(x + 14 if title_x is None else title_x, y + h - 22, title, fontsize=LABEL_PT,
                fontweight="bold", color=pal.MUTED_INK, va="center",
                ha="left" if title_x is None else "right")


def _channel(ax, g: Geometry, cx: float, colour: str, edge: str, housing: str) -> None:
    """A receptor channel: two subunits round a pore, in a pale housing that groups them."""
    from matplotlib.patches import FancyBboxPatch

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
    import numpy as np  # (drawing the background: a cache miss only)

    t = np.linspace(0, 1, 40)
    for x0, y0, length, amp, turns in ((-52, 8, 44, 5, 2), (-10, 20, 50, 5, 2.5),
                                       (-40, -12, 50, 4, 2.5), (16, -4, 44, 5, 2)):
        ax.plot(cx + x0 + length * t, cy + y0 + amp * np.sin(2 * np.pi * turns * t),
                color=edge, lw=1.6, zorder=4, solid_capstyle="round")


def _draw_diagram(fig: Figure, g: Geometry = GEOMETRY) -> None:
    from matplotlib.patches import Circle, FancyBboxPatch, Polygon, Rectangle

    words = strings()["figure"]
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, g.width)
    ax.set_ylim(0, g.height)
    ax.axis("off")
    text = {"fontsize": LABEL_PT, "color": pal.INK, "va": "center"}

    _panel(ax, g.body, words["regions"]["body"])
    _panel(ax, g.key, words["regions"]["key"])
    _panel(ax, g.spinal, words["regions"]["spinal_cord"])
    _panel(ax, g.brain, words["regions"]["brain"], g.brain_title_x)

    # BODY: a patch of skin, a pinch, and the pain nerve leaving it.
    sx, sy = g.skin
    ax.add_patch(FancyBboxPatch((sx - 62, sy - 20), 124, 38,
                                boxstyle="round,pad=0,rounding_size=16",
                                facecolor=pal.BAND_FILLS["dissociation"],
                                edgecolor=pal.BAND_EDGES["dissociation"], linewidth=1.5))
    for side in (-1, 1):
        ax.annotate("", xy=(sx + side * 9, sy + 22), xytext=(sx + side * 40, sy + 50),
                    arrowprops={"arrowstyle": "-|>,head_length=0.6,head_width=0.35",
                                "color": pal.INK, "lw": 2.5})
    # the nerve: from the skin to the nerve ending in the spinal cord
    ex, ey = g.nerve_end
    ax.plot([sx, ex], [sy, ey], color=pal.NERVE, lw=5, solid_capstyle="round", zorder=2)
    lx, ly, ha = g.nerve_label_at or ((g.spinal[0] + g.terminal[0]) / 2 + 6, g.nerve_y - 28,
                                      "center")
    ax.text(lx, ly, words["pain_nerve"], ha=ha, **text)

    # SPINAL CORD: the nerve ending with its vesicles of glutamate
    tx, ty, tw, th = g.terminal
    ax.add_patch(FancyBboxPatch((tx, ty), tw, th, boxstyle="round,pad=0,rounding_size=40",
                                facecolor="#ffffff", edgecolor=pal.NERVE, linewidth=3, zorder=3))
    ax.text(tx + tw / 2, ty + th - 26, words["nerve_ending"], ha="center", zorder=5, **text)
    for i in range(9):
        vx = tx + 46 + i * (tw - 92) / 8
        ax.add_patch(Circle((vx, ty + 26), 11, facecolor="#fdf1dc", edgecolor=pal.GLUTAMATE,
                            linewidth=1.5, zorder=4))
        for dx, dy in ((-3.5, -2.5), (3.5, -2.5), (0, 4)):
            ax.add_patch(Circle((vx + dx, ty + 26 + dy), 2.2, facecolor=pal.GLUTAMATE,
                                edgecolor="none", zorder=5))
    # the gap, named where the glutamate appears
    gap_mid = sum(g.gap) / 2
    if g.glutamate_label:
        ax.text(g.cell[0] + 36, gap_mid, words["glutamate"], ha="right", **text)
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
    ax.text(cx0 + cw / 2, cy0 + 52, words["spinal_cell"], ha="center", **text)

    # AMPA (always lets its current through) and the NMDA channels
    _channel(ax, g, g.ampa_x, pal.AMPA, "#1f5f86", "#e6f4fc")
    for cx in g.nmda_centres():
        _channel(ax, g, cx, pal.NMDA, "#003f63", pal.BAND_FILLS["relief"])
    label_y = g.receptor_y[0] - 30
    ax.text(g.ampa_x, label_y, words["ampa"], ha="center", fontweight="bold", **text)
    centres = g.nmda_centres()
    left = centres[0] - g.pore_w / 2 - g.subunit_w
    right = centres[-1] + g.pore_w / 2 + g.subunit_w
    ax.plot([left, left, right, right], [label_y + 14, label_y + 20, label_y + 20, label_y + 14],
            color=pal.MUTED_INK, lw=1.5)
    ax.text((left + right) / 2, label_y, words["nmda"], ha="center", fontweight="bold",
            bbox={"facecolor": "#ffffff", "edgecolor": "none", "pad": 2}, **text)

    # the axon leaving the cell towards the brain
    bx, by, bw, bh = g.tube
    axon = g.axon or ((cx0 + cw - 2, by + 14), (bx + 2, by + 14))
    ax.plot([p[0] for p in axon], [p[1] for p in axon], color=pal.MUTED_INK, lw=5,
            solid_capstyle="butt", solid_joinstyle="round", zorder=3)

    # BRAIN: a simple brain, and a bar that fills towards it
    bcx, bcy = g.brain_centre
    _brain(ax, bcx, bcy)
    ax.add_patch(FancyBboxPatch((bx, by), bw, bh, boxstyle="round,pad=0,rounding_size=6",
                                facecolor="#ffffff", edgecolor=pal.MUTED_INK, linewidth=2))
    tip = bcy - 30
    ax.add_patch(Polygon([(bx - 10, by + bh + 4), (bx + bw + 10, by + bh + 4),
                          (bx + bw / 2, tip - 2)], closed=True, facecolor=pal.MUTED_INK,
                         edgecolor="none"))
    ax.text(*(g.to_brain_at or (bx + bw + 16, by + bh + 14)), words["to_brain"], ha="left",
            **text)
    for cut in strings()["strength"]["cutoffs"]:
        yy = tube_y(cut, g)
        ax.plot([bx + bw, bx + bw + 7], [yy, yy], color=pal.MUTED_INK, lw=1.5)
    for word, yy in zip(strings()["strength"]["words"], word_centres(g), strict=True):
        ax.text(bx + bw + 14, yy, word, ha="left", fontsize=LABEL_PT, color=pal.MUTED_INK,
                va="center")

    # KEY: what the moving parts are
    kx, ky = g.key[0] + 24, g.key[1] + g.key[3] - 70
    gap = max(18, g.mg_r + 6)   # from a symbol's centre to its word
    ax.add_patch(Circle((kx, ky), g.mg_r, facecolor=pal.MAGNESIUM, edgecolor=pal.INK,
                        lw=1.2))
    ax.text(kx, ky, words["mg_symbol"], ha="center", va="center", fontsize=g.symbol_pt[0],
            fontweight="bold", color=pal.INK)
    ax.text(kx + gap, ky, words["magnesium"], ha="left", **text)
    ky -= 52
    k = g.k_size
    ax.add_patch(FancyBboxPatch((kx - k / 2, ky - k / 2), k, k,
                                boxstyle="round,pad=0,rounding_size=4",
                                facecolor=pal.KETAMINE, edgecolor=pal.INK, lw=1.2))
    ax.text(kx, ky, words["ketamine_symbol"], ha="center", va="center",
            fontsize=g.symbol_pt[1], fontweight="bold", color=pal.INK)
    ax.text(kx + gap, ky, words["ketamine"], ha="left", **text)
    ky -= 52
    for dx, dy in ((-6, -3), (5, -5), (0, 6)):
        ax.add_patch(Circle((kx + dx, ky + dy), 4.5, facecolor=pal.GLUTAMATE,
                            edgecolor=pal.INK, lw=0.8))
    ax.text(kx + gap, ky, words["glutamate"], ha="left", **text)


@per_locale(maxsize=4)
def diagram_scene(shape: str = "landscape") -> Scene:
    """The diagram's still parts in one layout (`GEOMETRIES`) as a `Scene`: from the cache, or
    drawn and rendered to PNG once per process and layout."""
    g = GEOMETRIES[shape]

    def draw() -> Figure:
        fig = new_figure(g.width, g.height)
        _draw_diagram(fig, g)
        return fig

    name = "pain-diagram" if shape == "landscape" else f"pain-diagram-{shape}"
    scene = Scene(draw, (g.width, g.height), background_key(name, strings_file()))
    scene.background_png()
    return scene
