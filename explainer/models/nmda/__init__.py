"""NMDA-receptor block by ketamine and a simplified dorsal-horn synapse that shows wind-up.

Pure functions (numpy only; no widgets, plotting or I/O). Concentrations are plasma levels in
ng/mL, taken as a stand-in for the level at the receptor. The synapse output is a relative,
dimensionless "signal to the brain": 1.0 is the first response to one impulse with no ketamine.

Usage::

    from explainer.models import nmda
    r = nmda.simulate(115.0)                    # 16 impulses at a pain-relief level (racemic)
    print(r.fraction_blocked, r.first_response, r.last_response, r.wind_up_ratio)

Published constants are listed in `SOURCES` (name -> reference keys in assets/references.yaml);
teaching choices that come from no paper are listed in `ILLUSTRATIVE`. See docs/model-nmda.md.

The package is split by idea; every name is importable from ``nmda`` itself: ``constants``
(published and illustrative numbers), ``block`` (`ng_per_ml_to_um`, `fraction_blocked`,
`half_block_ng_ml`, `mg_unblocked`), ``synapse`` (`SynapseParams`, `SynapseResult`, `simulate`)
and ``_checks`` (input checks).

>>> from explainer.models import nmda
>>> round(nmda.fraction_blocked(115.0), 2)
0.49
"""

from __future__ import annotations

from explainer.models.nmda.block import (
    fraction_blocked,
    half_block_ng_ml,
    mg_unblocked,
    ng_per_ml_to_um,
)
from explainer.models.nmda.constants import (  # noqa: F401  (re-exported: nmda.MG_HALF_MM etc.)
    AMPA_SIZE,
    CARRY_OVER,
    DEFAULT_N_IMPULSES,
    DEPOLARISATION_STEP,
    ENANTIOMERS,
    ILLUSTRATIVE,
    KI_R_KETAMINE_UM,
    KI_S_KETAMINE_UM,
    MAX_IMPULSES,
    MG_HALF_MM,
    MG_PHYSIOLOGICAL_MM,
    MG_SLOPE_PER_MV,
    NMDA_MAX,
    PATTERNS,
    SOURCES,
    V_CEILING_MV,
    V_REST_MV,
)
from explainer.models.nmda.synapse import DEFAULT_PARAMS, SynapseParams, SynapseResult, simulate

__all__ = [
    "DEFAULT_PARAMS",
    "ENANTIOMERS",
    "ILLUSTRATIVE",
    "PATTERNS",
    "SOURCES",
    "SynapseParams",
    "SynapseResult",
    "fraction_blocked",
    "half_block_ng_ml",
    "mg_unblocked",
    "ng_per_ml_to_um",
    "simulate",
]
