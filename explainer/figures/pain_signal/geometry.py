"""Where the pain-signal diagram's parts sit (layout pixels), its sizes, its strings table
(from the strings loader: `assets/strings/<locale>/pain_signal.yaml`) and the signal bar's
scale (response to height, strength words).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from explainer.content import strings as string_tables
from explainer.paths import strings_dir

if TYPE_CHECKING:
    pass


STRINGS_TABLE = "pain_signal"


def strings() -> Mapping:
    """Every visible string of the diagram and its widget, from the one strings loader."""
    return string_tables.table(STRINGS_TABLE)


def strings_file() -> Path:
    """The file behind :func:`strings` (a background's cache key changes when it changes)."""
    return strings_dir() / f"{STRINGS_TABLE}.yaml"




DIAGRAM_W, DIAGRAM_H = 1040, 500
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


def overlay_y(y: float) -> float:
    """Background y (up) to overlay y (down)."""
    return DIAGRAM_H - y


def strength_index(response: float) -> int:
    """0 weak, 1 medium, 2 strong, 3 very strong (cut-offs from the strings file)."""
    return int(np.searchsorted(strings()["strength"]["cutoffs"], response, side="right"))


def tube_y(response: float) -> float:
    """Height (background y) of the signal bar for a relative response."""
    g = GEOMETRY
    full = strings()["strength"]["full_scale"]
    return g.tube[1] + g.tube[3] * min(max(response, 0.0) / full, 1.0)


def word_centres() -> list[float]:
    """Background y of each strength word beside the bar (the middle of its stretch)."""
    cut = [0.0, *strings()["strength"]["cutoffs"], strings()["strength"]["full_scale"]]
    return [tube_y((a + b) / 2) for a, b in zip(cut[:-1], cut[1:], strict=True)]
