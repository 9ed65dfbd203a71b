"""Plasma-concentration timelines of ketamine from linear compartment models (pure numpy).

Public API (documented in ``docs/model-pk.md``)::

    from explainer.models import pk
    conc = pk.simulate(model="domino", weight_kg=70,
                       regimen=[pk.Bolus(at_min=0, mg=20),
                                pk.Infusion(start_min=0, duration_min=240, mg_per_h=24.5),
                                pk.Absorbed(at_min=300, mg=50, route="intranasal")],
                       times_min=numpy.linspace(0, 600, 601))   # plasma ng/mL at each time

The models are linear mammillary compartment models (a central compartment that exchanges with up
to two peripheral ones and is cleared from the centre). They are solved *exactly*: the rate matrix
is diagonalised once per parameter set, so the plasma concentration after a 1 mg IV bolus is a sum
of exponentials, and every dose (bolus, constant-rate infusion, first-order absorption from a
depot) has a closed-form response. The concentration for a whole regimen is the sum of the
responses of its doses (superposition). There is no time-stepping, so the answer does not depend on
the spacing of ``times_min``.

Simplifications (see ``docs/model-pk.md``): racemic ketamine only (S-ketamine is drawn with the
same model), norketamine and other metabolites are not modelled, absorption from the nose, mouth,
gut or muscle is first order with a fixed rate constant chosen to reproduce a published time to
peak, there is no separate first-pass effect beyond the bioavailability fraction, and a population
model describes an average adult, not a given patient.

No I/O, no plotting: everything here takes numbers and returns numbers or small frozen
dataclasses. The package is split by idea; every name is importable from ``pk`` itself:

- ``parameters``: the published parameter sets (`PKModel`, `MODELS`, `DEFAULT_MODEL`);
- ``routes``: non-IV routes (`Route`, `ROUTES`);
- ``doses``: `Bolus`, `Infusion`, `Absorbed` and `regimen_total_mg`;
- ``solver``: `simulate`, `single_dose_tmax`, `derive_ka`;
- ``summaries``: `peak`, `time_above`, `auc`, `Summary`, `summary`;
- ``_checks``: the input checks (`validate_weight`, `WEIGHT_RANGE_KG`).

>>> from explainer.models import pk
>>> round(float(pk.simulate("domino", 70, [pk.Bolus(0, 140)], [5.0])[0]))   # ng/mL
1110
"""

from __future__ import annotations

from explainer.models.pk._checks import WEIGHT_RANGE_KG, validate_weight
from explainer.models.pk.doses import Absorbed, Bolus, Dose, Infusion, regimen_total_mg
from explainer.models.pk.parameters import DEFAULT_MODEL, MODELS, PKModel
from explainer.models.pk.routes import ROUTES, Route
from explainer.models.pk.solver import _absorbed_response as _absorbed_response  # tests use it
from explainer.models.pk.solver import derive_ka, simulate, single_dose_tmax
from explainer.models.pk.summaries import Summary, auc, peak, summary, time_above

__all__ = [
    "WEIGHT_RANGE_KG",
    "validate_weight",
    "PKModel",
    "Route",
    "MODELS",
    "ROUTES",
    "DEFAULT_MODEL",
    "Bolus",
    "Infusion",
    "Absorbed",
    "Dose",
    "simulate",
    "peak",
    "time_above",
    "auc",
    "Summary",
    "summary",
    "regimen_total_mg",
    "single_dose_tmax",
    "derive_ka",
]
