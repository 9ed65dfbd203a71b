"""The NMDA model's constants: published ones (listed in `SOURCES` with their reference keys) and
illustrative teaching choices (listed in `ILLUSTRATIVE`)."""

from __future__ import annotations

# --- Published constants --------------------------------------------------------------------

KI_S_KETAMINE_UM = 0.3
"""S-ketamine binding constant at the NMDA receptor (Ki, rat brain, [3H]MK-801), µM."""
KI_R_KETAMINE_UM = 1.4
"""R-ketamine binding constant at the NMDA receptor (Ki, rat brain, [3H]MK-801), µM."""
MG_HALF_MM = 3.57
"""Jahr & Stevens: Mg2+ concentration (mM) scaling the block at 0 mV."""
MG_SLOPE_PER_MV = 0.062
"""Jahr & Stevens: voltage dependence of the Mg2+ block, per mV."""
MG_PHYSIOLOGICAL_MM = 1.0
"""Physiological extracellular Mg2+, about 1 mM."""

# --- Illustrative teaching choices (no paper gives these numbers) ----------------------------

V_REST_MV = -70.0
"""Illustrative resting membrane potential of the spinal neuron, mV."""
V_CEILING_MV = -10.0
"""Illustrative ceiling: build-up of depolarisation saturates below this potential, mV."""
AMPA_SIZE = 1.0
"""Illustrative AMPA current per impulse (the unit of current; always passes)."""
NMDA_MAX = 8.0
"""Illustrative NMDA current per impulse if Mg2+ and ketamine were both absent (× AMPA_SIZE)."""
DEPOLARISATION_STEP = 0.14
"""Illustrative: one unit of current moves the membrane 1 − e^(−0.14) ≈ 13% of the way to the
ceiling."""
CARRY_OVER = 0.85
"""Illustrative fraction of the build-up of depolarisation still present at the next impulse."""
DEFAULT_N_IMPULSES = 16
"""Illustrative length of a 'repeated' train of impulses."""
MAX_IMPULSES = 1000
"""Largest train accepted (a guard against absurd input, not physiology)."""

SOURCES: dict[str, tuple[str, ...]] = {
    # constants (upper case: module attributes)
    "KI_S_KETAMINE_UM": ("ebert1997",),
    "KI_R_KETAMINE_UM": ("ebert1997",),
    "MG_HALF_MM": ("jahr1990",),
    "MG_SLOPE_PER_MV": ("jahr1990",),
    "MG_PHYSIOLOGICAL_MM": ("jahr1990",),
    # model features (lower case: what the structure of the model relies on)
    "s_more_potent_than_r": ("ebert1997", "oye1992"),
    "open_channel_block": ("orser1997",),
    "mg_removed_by_depolarisation": ("jahr1990", "kotermanski2009"),
    "wind_up": ("mendell1966",),
    "wind_up_through_nmda_model": ("britton1996",),
    "ketamine_reduces_repeated_more_than_single": ("arendtnielsen1995",),
}
"""Reference keys (assets/references.yaml) for each published constant and modelled claim.

The molar mass (237.7 g/mol) is imported from `explainer.models.bands`.
"""

ILLUSTRATIVE: tuple[str, ...] = (
    "V_REST_MV",
    "V_CEILING_MV",
    "AMPA_SIZE",
    "NMDA_MAX",
    "DEPOLARISATION_STEP",
    "CARRY_OVER",
    "DEFAULT_N_IMPULSES",
    "MAX_IMPULSES",
)
"""Names of parameters that are teaching choices, tuned so the picture is qualitatively right."""

ENANTIOMERS: tuple[str, ...] = ("racemic", "S", "R")
"""'racemic' = 50:50 S and R competing for the same site; 'S' (esketamine) or 'R' alone."""
PATTERNS: tuple[str, ...] = ("single", "repeated")
"""'single' = one impulse; 'repeated' = a train of `n_impulses` impulses."""

_V_RANGE_MV = (-200.0, 200.0)
