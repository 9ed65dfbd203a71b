"""The pain-signal diagram's moving parts as SVG (`diagram_overlay`): the impulse counter, the
pulse and glutamate, the magnesium plugs, ketamine in the pores and the signal bar's word.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from explainer.figures import palette as pal
from explainer.figures import svg
from explainer.figures.pain_signal.frame import DiagramFrame
from explainer.figures.pain_signal.geometry import (
    GEOMETRY,
    OVERLAY_PX,
    WORD_BOX_W,
    Geometry,
    strings,
    tube_y,
    word_centres,
)

if TYPE_CHECKING:
    pass


_K_ORDER = (1, 4, 2, 5, 0, 3)
"""Which channels take ketamine first, so a few markers spread across the row."""
_GLUTAMATE = (
    (20, 13), (46, 28), (73, 8), (103, 25), (130, 11), (158, 30), (186, 8),
    (214, 24), (242, 13), (270, 31), (298, 7), (326, 22), (354, 10), (382, 28),
    (410, 15), (434, 26), (88, 32), (228, 32),
)
"""Glutamate dots in the gap (from the nerve ending's left edge and the gap's floor, in
background px), fixed so frames are reproducible."""


FONT = "DejaVu Sans, Arial, sans-serif"


def _text(x, y, content, size=OVERLAY_PX, **attrs) -> str:
    """Overlay text; font and colour come from the enclosing group (keeps the SVG short)."""
    return svg.text(x, y, content, size=size, dominant_baseline="central", font_family=None,
                    fill=attrs.pop("fill", None), **attrs)


def diagram_overlay(frame: DiagramFrame, g: Geometry = GEOMETRY) -> list[str]:
    """The SVG elements of one frame in the layout `g`, in overlay pixels (about 3–4 KB in all).

    Shared presentation attributes sit on groups, so each dot or label carries only its place.
    """
    words = strings()["figure"]
    overlay_y = g.overlay_y
    out: list[str] = []
    k, n = frame.impulse, frame.n_impulses

    # the impulse counter and the row of pinches (filled = arrived)
    cx = g.body[0] + g.body[2] / 2 if g.counter_x is None else g.counter_x
    lines = ([words["counter_title"], words["counter"].format(k=k, n=n)] if k
             else words["counter_none"])
    out.append(_text(cx, overlay_y(g.body[1] + 128), lines[0], text_anchor="middle"))
    out.append(_text(cx, overlay_y(g.body[1] + 98), lines[1], size=OVERLAY_PX + 3,
                     text_anchor="middle", font_weight="bold", class_="kx-counter"))
    arrived, waiting = [], []
    for i in range(n):
        row, col = divmod(i, 8)
        x = g.body[0] + 22 + col * 15.5 + (0 if n > 1 else 53)
        y = overlay_y(g.body[1] + 62 - row * 18)
        (arrived if i < k else waiting).append(svg.circle(x, y, 5.5 if i < k else 5))
    out.append(svg.group(arrived, fill=pal.NERVE, class_="kx-pinches"))
    out.append(svg.group(waiting, fill="#ffffff", stroke=pal.MUTED_INK, stroke_width=1.5))

    if k:
        # the pulse that has just travelled along the nerve, and the glutamate it released
        px, py = g.pulse_end
        travel = f"--kx-travel:{g.skin[0] - px:.0f}px"
        if g.down:   # the pulse comes down the nerve (overlay y runs down)
            travel += f";--kx-travel-y:{py - g.skin[1]:.0f}px"
        anim = {"class_": "kx-pulse kx-anim-pulse", "style": travel} \
            if frame.animate else {"class_": "kx-pulse"}
        out.append(svg.circle(px, overlay_y(py), 10, fill=pal.NERVE, stroke="#ffffff",
                              stroke_width=3, **anim))
        x0, y0 = g.terminal[0], g.gap[0]
        dots = [svg.circle(x0 + x, overlay_y(y0 + y), 5) for x, y in _GLUTAMATE]
        out.append(svg.group(dots, fill=pal.GLUTAMATE, stroke=pal.INK, stroke_width=0.8,
                             class_="kx-glutamate kx-anim-release" if frame.animate
                             else "kx-glutamate"))

    # magnesium plugs: they move up out of the pore AND fade as the cell depolarises
    y = overlay_y(g.mg_rest_y + frame.mg_out * g.mg_out_dy)
    opacity = 1.0 - 0.75 * frame.mg_out
    centres = g.nmda_centres()
    out.append(svg.group([
        svg.group([svg.circle(x, y, g.mg_r) for x in centres], fill=pal.MAGNESIUM,
                  stroke=pal.INK, stroke_width=1.2),
        svg.group([_text(x, y + 0.5, words["mg_symbol"], size=g.symbol_px[0])
                   for x in centres],
                  text_anchor="middle", font_weight="bold"),
    ], class_="kx-mg", opacity=f"{opacity:.2f}"))

    # ketamine in a share of the pores
    half = g.k_size / 2
    ky = overlay_y(g.k_y)
    xs = [centres[i] for i in sorted(_K_ORDER[: frame.n_ketamine])]
    out.append(svg.group([
        svg.group([svg.rect(x - half, ky - half, g.k_size, g.k_size, rx=5) for x in xs],
                  fill=pal.KETAMINE, stroke=pal.INK, stroke_width=1.5),
        svg.group([_text(x, ky + 1, words["ketamine_symbol"], size=g.symbol_px[1])
                   for x in xs],
                  text_anchor="middle", font_weight="bold"),
    ], class_="kx-ketamine"))
    out.append(_text((centres[0] + centres[-1]) / 2, overlay_y(g.receptor_y[0] - 64),
                     frame.blocked_text, text_anchor="middle", class_="kx-blocked"))

    # the signal bar towards the brain, and its word
    bx, by, bw, bh = g.tube
    if k:
        top = tube_y(frame.response, g)
        out.append(svg.rect(bx + 3, overlay_y(top), bw - 6, top - by - 3, rx=3, fill=pal.SIGNAL,
                            class_="kx-signal"))
        word = strings()["strength"]["words"][frame.strength]
        wy = overlay_y(word_centres(g)[frame.strength])
        out.append(svg.rect(bx + bw + 8, wy - 16, WORD_BOX_W, 32, rx=6, fill="#ffffff",
                            stroke=pal.INK, stroke_width=2))
        out.append(_text(bx + bw + 15, wy, word, font_weight="bold", class_="kx-strength"))
    return [svg.group(out, font_family=FONT, fill=pal.INK)]
