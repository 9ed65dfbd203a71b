"""The one palette every figure uses: Okabe–Ito, colour-blind safe.

Colour is never the only cue: figures pair each colour with a label, a line style or a hatch.
Text colours meet WCAG AA on white; the light fills are for bands behind dark text only.
"""

from __future__ import annotations

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

# Roles, so figures say what a colour means rather than which colour it is.
INK = "#1a1a1a"
MUTED_INK = "#4a4a4a"
GRID = "#d9dee3"
PANEL = "#f4f6f8"
NERVE = OKABE_ITO["vermillion"]        # the pain signal coming from the body
GLUTAMATE = OKABE_ITO["orange"]
AMPA = OKABE_ITO["sky_blue"]
NMDA = OKABE_ITO["blue"]
MAGNESIUM = OKABE_ITO["bluish_green"]
KETAMINE = OKABE_ITO["reddish_purple"]
SIGNAL = OKABE_ITO["vermillion"]
CURVE = OKABE_ITO["blue"]
CURSOR = INK

BAND_FILLS = {
    "relief": "#cfe8f7",        # light sky blue, hatched "//" where drawn
    "dissociation": "#f6e0ba",  # light orange, hatched "\\\\"
    "anaesthesia": "#ecd1e2",   # light reddish purple, hatched "xx"
}
BAND_EDGES = {
    "relief": OKABE_ITO["blue"],
    "dissociation": "#9c6b00",
    "anaesthesia": "#8f3b6e",
}
BAND_HATCHES = {"relief": "//", "dissociation": "\\\\", "anaesthesia": "xx"}

ROUTE_STYLES = {
    "iv": {"color": OKABE_ITO["blue"], "dash": ""},
    "intramuscular": {"color": OKABE_ITO["bluish_green"], "dash": "2,3"},
    "intranasal": {"color": OKABE_ITO["vermillion"], "dash": "9,4"},
    "sublingual": {"color": OKABE_ITO["reddish_purple"], "dash": "9,3,2,3"},
    "oral": {"color": "#7a5c00", "dash": "3,3"},
}
"""Each route has a colour AND a dash pattern (SVG `stroke-dasharray`)."""


def relative_luminance(hex_colour: str) -> float:
    """WCAG relative luminance of an sRGB colour like '#0072B2'."""
    rgb = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_ratio(fg: str, bg: str = "#ffffff") -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    hi, lo = sorted((relative_luminance(fg), relative_luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
