"""The published parameter sets (`PKModel`, `MODELS`) and their exact disposition."""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from explainer.models.pk._checks import _number, validate_weight

DEFAULT_MODEL = "domino"



@dataclass(frozen=True)
class PKModel:
    """A linear mammillary compartment model in rate-constant form.

    ``v1_l_per_kg`` is the central volume per kg of body weight; ``k10`` is elimination from the
    central compartment, ``k12``/``k21`` and ``k13``/``k31`` the exchange with the two peripheral
    compartments (all per minute; zero for compartments the model does not have). Every volume and
    clearance therefore scales linearly with weight, and the rate constants do not depend on it.

    Examples
    --------
    >>> m = MODELS["domino"]
    >>> m.compartments, round(1000 * m.clearance_l_per_min_per_kg, 1)   # mL/kg/min
    (3, 27.6)
    >>> [round(h, 1) for h in m.half_lives_min]                          # minutes
    [0.4, 4.6, 114.6]
    """

    name: str
    label: str
    population: str
    v1_l_per_kg: float
    k10: float
    k12: float = 0.0
    k13: float = 0.0
    k21: float = 0.0
    k31: float = 0.0
    source_parameters: str = ""
    refs: tuple[str, ...] = ()
    notes: str = ""

    def __post_init__(self) -> None:
        _number(self.v1_l_per_kg, "v1_l_per_kg", strict_low=True)
        _number(self.k10, "k10", strict_low=True)
        for k in ("k12", "k13", "k21", "k31"):
            _number(getattr(self, k), k)
        for a, b in (("k12", "k21"), ("k13", "k31")):
            if (getattr(self, a) > 0) != (getattr(self, b) > 0):
                raise ValueError(f"{a} and {b} must both be > 0 (a peripheral compartment) or "
                                 "both be 0 (no such compartment)")
        if not self.refs:
            raise ValueError(f"model {self.name!r} needs at least one reference key")

    @property
    def compartments(self) -> int:
        """Number of compartments (1, 2 or 3)."""
        return 1 + (self.k12 > 0) + (self.k13 > 0)

    @property
    def volumes_l_per_kg(self) -> tuple[float, ...]:
        """Compartment volumes per kg (V1, and V2 = V1·k12/k21, V3 = V1·k13/k31 if present)."""
        vols = [self.v1_l_per_kg]
        if self.k12 > 0:
            vols.append(self.v1_l_per_kg * self.k12 / self.k21)
        if self.k13 > 0:
            vols.append(self.v1_l_per_kg * self.k13 / self.k31)
        return tuple(vols)

    @property
    def clearance_l_per_min_per_kg(self) -> float:
        """Elimination clearance CL = V1·k10, in L/min per kg."""
        return self.v1_l_per_kg * self.k10

    @property
    def half_lives_min(self) -> tuple[float, ...]:
        """Half-lives (ln 2 / λ) of the exponential phases, fastest first, in minutes."""
        _, rates = _disposition(self.k10, self.k12, self.k13, self.k21, self.k31)
        return tuple(float(math.log(2) / r) for r in rates)

    def exponentials(self, weight_kg: float) -> tuple[np.ndarray, np.ndarray]:
        """``(coef_per_l, rates_per_min)`` of the unit-bolus response.

        The plasma concentration (mg/L) ``t`` minutes after a 1 mg IV bolus is
        ``sum(coef_per_l * exp(-rates_per_min * t))``. The coefficients sum to 1 / V1.

        Parameters
        ----------
        weight_kg : float
            Body weight in kg (40–150).

        Returns
        -------
        tuple of numpy.ndarray
            Coefficients in 1/L and rate constants in 1/min, one per compartment, fastest first.

        Examples
        --------
        >>> coef, rates = MODELS["kamp"].exponentials(70)
        >>> round(float(1 / coef[0]), 1), round(float(rates[0]), 5)   # V in L, k in 1/min
        (252.0, 0.00522)
        """
        w = validate_weight(weight_kg)
        fractions, rates = _disposition(self.k10, self.k12, self.k13, self.k21, self.k31)
        return fractions / (self.v1_l_per_kg * w), rates.copy()


@functools.lru_cache(maxsize=64)
def _disposition(k10: float, k12: float, k13: float, k21: float,
                 k31: float) -> tuple[np.ndarray, np.ndarray]:
    """Eigen-decomposition of the mammillary rate matrix.

    For amounts ``A`` the model is ``dA/dt = K A`` with ``K[0,0] = -(k10+k12+k13)``,
    ``K[0,j] = kj1``, ``K[j,0] = k1j``, ``K[j,j] = -kj1``. Scaling peripheral compartment j by
    ``sqrt(k1j/kj1)`` makes K symmetric (off-diagonal ``sqrt(k1j·kj1)``), so its eigenvalues are
    real and its eigenvectors orthonormal (``numpy.linalg.eigh``). The central amount after a unit
    bolus is then ``sum_i U[0,i]^2 exp(λ_i t)``: fractions ``U[0,i]^2`` (summing to 1) and rates
    ``-λ_i`` (all > 0 because k10 > 0). Returned sorted from fastest to slowest.
    """
    import numpy as np
    pairs = [(k12, k21), (k13, k31)]
    pairs = [(a, b) for a, b in pairs if a > 0]
    n = 1 + len(pairs)
    s = np.zeros((n, n))
    s[0, 0] = -(k10 + sum(a for a, _ in pairs))
    for j, (a, b) in enumerate(pairs, start=1):
        s[j, j] = -b
        s[0, j] = s[j, 0] = math.sqrt(a * b)
    lam, u = np.linalg.eigh(s)
    rates = -lam
    fractions = u[0, :] ** 2
    order = np.argsort(-rates)
    rates, fractions = rates[order], fractions[order]
    fractions = fractions / fractions.sum()
    rates.setflags(write=False)
    fractions.setflags(write=False)
    return fractions, rates


_DOMINO = PKModel(
    name="domino",
    label="Domino, adult, 3-compartment",
    population="adult",
    v1_l_per_kg=0.063,
    k10=0.4381,
    k12=0.5921,
    k13=0.5900,
    k21=0.2470,
    k31=0.0146,
    source_parameters="V1 0.063 L/kg; k10 0.4381, k12 0.5921, k13 0.5900, k21 0.2470, "
                      "k31 0.0146 per min",
    refs=("domino1982",),
    notes="Constants as carried by the open-source TCI libraries opentiva and fus_anes, which "
          "cite PMID 7198883 (probably Anesth Analg 1982); Domino's kinetics paper is usually "
          "cited as Clin Pharmacol Ther 1984;36:645. The constants are confirmed only in code "
          "and the citation is uncertain. Derived: V2 ≈ 0.151 L/kg, V3 ≈ 2.55 L/kg, "
          "CL ≈ 27.6 mL/kg/min; half-lives ≈ 0.4 / 4.6 / 115 min.",
)

_HIJAZI = PKModel(
    name="hijazi",
    label="Hijazi, adult ICU, 2-compartment",
    population="adult ICU patients (n = 12)",
    v1_l_per_kg=1.08,
    k10=0.0333,
    k12=0.0088,
    k21=0.0030,
    source_parameters="Paper: CL 36.0 mL/min/kg, Vβ 16 L/kg, terminal t½ 4.9 h. Rate form as "
                      "used by opentiva: V1 1.08 L/kg; k10 0.0333, k12 0.0088, k21 0.0030 per min",
    refs=("hijazi2003",),
    notes="The clearance and half-life are from the paper's abstract; the rate-constant form "
          "is taken from opentiva (a secondary copy). Critically ill patients may clear the "
          "drug differently from outpatients.",
)

_KAMP_V_L_PER_70KG = 252.0
_KAMP_CL_L_PER_H_PER_70KG = 79.0

_KAMP = PKModel(
    name="kamp",
    label="Kamp 2020 pooled analysis, 1-compartment",
    population="pooled analysis of 18 studies",
    v1_l_per_kg=_KAMP_V_L_PER_70KG / 70.0,
    k10=_KAMP_CL_L_PER_H_PER_70KG / 60.0 / _KAMP_V_L_PER_70KG,
    source_parameters="Vd 252 L per 70 kg (95% CI 200–304); CL 79 L/h per 70 kg (69–90); "
                      "implied t½ ≈ 2.2 h",
    refs=("kamp2020",),
    notes="One compartment built from the pooled volume and clearance. Both are scaled "
          "linearly with body weight (V = 252 L × W/70, CL = 79 L/h × W/70) — a choice made "
          "here for simplicity, not the paper's covariate model. A single compartment has no "
          "distribution phase, so it misses the early high peak after a bolus.",
)

if TYPE_CHECKING:
    import numpy as np

MODELS: Mapping[str, PKModel] = MappingProxyType(
    {"domino": _DOMINO, "hijazi": _HIJAZI, "kamp": _KAMP})
"""Parameter sets by name. Default ``"domino"``. Children's models (Herd) and the doubtful
Clements & Nimmo constants are deliberately left out."""
