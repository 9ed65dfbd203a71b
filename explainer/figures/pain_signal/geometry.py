"""Where the pain-signal diagram's parts sit (layout pixels), its sizes, its strings table
(from the strings loader: `assets/<locale>/strings/pain_signal.yaml`) and the signal bar's
scale (response to height, strength words).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass

from explainer.content import strings as string_tables

STRINGS_TABLE = "pain_signal"


def strings() -> Mapping:
    """The diagram's words: the `pain_signal` table of the one accessor,
    :mod:`explainer.content.strings`. Figure modules receive their words here (the family
    names its table once) rather than naming a table themselves; widgets and pages call
    the accessor directly."""
    return string_tables.table(STRINGS_TABLE)


def strings_file() -> str:
    """The key of the table behind :func:`strings` in the page's locale (a background's cache
    key changes when any file it is merged from changes)."""
    return string_tables.key(STRINGS_TABLE)




DIAGRAM_W, DIAGRAM_H = 1040, 500
"""The landscape figure's size in layout pixels (10.4 × 5 inches at 100 dpi); the PNG is twice
that. The portrait figure (`GEOMETRIES["portrait"]`) is 520 px wide."""
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
    """Where the parts sit, in layout pixels with y pointing UP (matplotlib's way), for one
    layout of the figure (`GEOMETRIES`: landscape, and portrait for narrow screens).

    The landscape figure runs left to right (body, spinal cord, brain); the portrait one runs top
    to bottom (body, spinal cord, then the brain beside the key), with the same parts and words,
    its symbols' letters larger so every word reads at 12 CSS px on a 390 px phone."""

    shape: str = "landscape"
    width: float = DIAGRAM_W
    height: float = DIAGRAM_H
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
    mg_r: float = 15
    k_size: float = 26
    mg_rest_y: float = 305                                            # plug centre in the mouth
    mg_out_dy: float = 40                                             # how far it moves out
    k_y: float = 279                                                  # ketamine in the pore
    tube: tuple[float, float, float, float] = (846, 96, 28, 244)      # signal bar x, y, w, h
    brain_centre: tuple[float, float] = (944, 414)
    skin_y: float | None = None                                       # None: on the nerve's line
    counter_x: float | None = None                                    # None: the body's middle
    down: bool = False                   # the nerve runs down from the skin into the ending
    axon: tuple[tuple[float, float], ...] | None = None               # None: straight across
    brain_title_x: float | None = None    # None: from the panel's left; else the title's right end
    to_brain_at: tuple[float, float] | None = None                    # None: beside the bar top
    glutamate_label: bool = True         # named in the gap (portrait: by the key only)
    nerve_label_at: tuple[float, float, str] | None = None            # x, y, ha
    symbol_pt: tuple[float, float] = (13, 13)                         # Mg, K in the key (pt)
    symbol_px: tuple[float, float] = (18, 18)                         # Mg, K in the pores (px)

    def nmda_centres(self) -> list[float]:
        return [self.nmda_x0 + i * self.channel_step for i in range(N_CHANNELS)]

    @property
    def skin(self) -> tuple[float, float]:
        """Where the pinch is (the nerve starts there)."""
        return (self.skin_x, self.nerve_y if self.skin_y is None else self.skin_y)

    @property
    def pulse_end(self) -> tuple[float, float]:
        if self.down:
            return (self.skin_x, self.terminal[1] + self.terminal[3] + 4)
        return (self.terminal[0] - 4, self.nerve_y)

    @property
    def nerve_end(self) -> tuple[float, float]:
        """The nerve's end, under the nerve ending's edge."""
        if self.down:
            return (self.skin_x, self.terminal[1] + self.terminal[3] - 12)
        return (self.terminal[0] + 12, self.nerve_y)

    def overlay_y(self, y: float) -> float:
        """Background y (up) to overlay y (down)."""
        return self.height - y


GEOMETRY = Geometry()
"""The landscape layout (the figure as wide screens show it)."""

_DOWN = 368   # the portrait's spinal cord panel sits this much higher than the landscape's

GEOMETRIES: Mapping[str, Geometry] = {
    "landscape": GEOMETRY,
    "portrait": Geometry(
        shape="portrait", width=520, height=1074,
        body=(8, 866, 504, 200), key=(316, 8, 196, 360), spinal=(8, 376, 504, 482),
        brain=(8, 8, 300, 360), skin_x=330, skin_y=960, counter_x=88, nerve_y=960,
        terminal=(40, 360 + _DOWN, 440, 84), gap=(320 + _DOWN, 360 + _DOWN),
        membrane=(272 + _DOWN, 292 + _DOWN), cell=(20, 36 + _DOWN, 480, 256),
        receptor_y=(262 + _DOWN, 318 + _DOWN), ampa_x=76, nmda_x0=150, channel_step=60,
        subunit_w=14, pore_w=26, k_size=30, mg_rest_y=305 + _DOWN, k_y=279 + _DOWN,
        tube=(70, 24, 28, 212), brain_centre=(132, 300), down=True,
        axon=((44, 36 + _DOWN + 2), (44, 38), (72, 38)), brain_title_x=294,
        to_brain_at=(190, 236), glutamate_label=False, nerve_label_at=(344, 838, "left")),
}
"""Every layout of the diagram, by name (`explainer.figures.geometry.SHAPES`)."""


def overlay_y(y: float) -> float:
    """Background y (up) to overlay y (down), in the landscape layout."""
    return GEOMETRY.overlay_y(y)


def strength_index(response: float) -> int:
    """0 weak, 1 medium, 2 strong, 3 very strong (cut-offs from the strings file)."""
    return bisect_right(strings()["strength"]["cutoffs"], response)


def tube_y(response: float, g: Geometry = GEOMETRY) -> float:
    """Height (background y) of the signal bar for a relative response."""
    full = strings()["strength"]["full_scale"]
    return g.tube[1] + g.tube[3] * min(max(response, 0.0) / full, 1.0)


def word_centres(g: Geometry = GEOMETRY) -> list[float]:
    """Background y of each strength word beside the bar (the middle of its stretch)."""
    cut = [0.0, *strings()["strength"]["cutoffs"], strings()["strength"]["full_scale"]]
    return [tube_y((a + b) / 2, g) for a, b in zip(cut[:-1], cut[1:], strict=True)]
