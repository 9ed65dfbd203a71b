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
dataclasses.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Real
from types import MappingProxyType

import numpy as np

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

WEIGHT_RANGE_KG: tuple[float, float] = (40.0, 150.0)
"""Body weights (kg) accepted by :func:`simulate`.

The parameter sets come from adults; weight-scaled volumes and clearances are not trusted far from
the weights studied, so anything outside 40–150 kg is refused rather than extrapolated.
"""

DEFAULT_MODEL = "domino"

_NG_ML_PER_MG_L = 1000.0  # 1 mg/L = 1 µg/mL = 1000 ng/mL


# --------------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------------


def _number(value: object, name: str, *, low: float | None = 0.0, strict_low: bool = False,
            high: float | None = None, allowed: str | None = None) -> float:
    """Return ``value`` as a finite float or raise ValueError naming what is allowed."""
    allowed = allowed or _describe_range(low, strict_low, high)
    if isinstance(value, bool | np.bool_) or not isinstance(value, Real):
        raise ValueError(f"{name} must be {allowed}; got {value!r} ({type(value).__name__})")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be {allowed}; got {value!r}")
    if low is not None and (x < low or (strict_low and x == low)):
        raise ValueError(f"{name} must be {allowed}; got {value!r}")
    if high is not None and x > high:
        raise ValueError(f"{name} must be {allowed}; got {value!r}")
    return x


def _describe_range(low: float | None, strict_low: bool, high: float | None) -> str:
    if low is None and high is None:
        return "a finite number"
    if high is None:
        return f"a finite number {'>' if strict_low else '>='} {low:g}"
    if low is None:
        return f"a finite number <= {high:g}"
    return f"a finite number in {'(' if strict_low else '['}{low:g}, {high:g}]"


def validate_weight(weight_kg: object) -> float:
    """Check a body weight and return it as a float.

    Parameters
    ----------
    weight_kg : float
        Body weight in kilograms; must lie in `WEIGHT_RANGE_KG` (40–150 kg, the adult range of
        these population models).

    Returns
    -------
    float
        The weight in kg.

    Raises
    ------
    ValueError
        If the weight is not a finite number in range (the message says what is allowed).

    Examples
    --------
    >>> validate_weight(70)
    70.0
    """
    lo, hi = WEIGHT_RANGE_KG
    return _number(weight_kg, "weight_kg", low=lo, high=hi,
                   allowed=f"a number of kilograms between {lo:g} and {hi:g} (adult range of "
                           "these models)")


def _times(times_min: object, name: str = "times_min") -> np.ndarray:
    allowed = "a 1-D sequence of finite, non-negative, strictly increasing minutes"
    if isinstance(times_min, str | bytes):
        raise ValueError(f"{name} must be {allowed}; got a string")
    try:
        t = np.asarray(times_min)
    except Exception as exc:  # ragged input and the like
        raise ValueError(f"{name} must be {allowed}; got {times_min!r}") from exc
    if t.dtype == bool or not (np.issubdtype(t.dtype, np.integer)
                               or np.issubdtype(t.dtype, np.floating)):
        raise ValueError(f"{name} must be {allowed}; got an array of {t.dtype}")
    if t.ndim != 1 or t.size == 0:
        raise ValueError(f"{name} must be {allowed}; got shape {t.shape}")
    t = t.astype(float)
    if not np.all(np.isfinite(t)):
        raise ValueError(f"{name} must be {allowed}; it contains NaN or inf")
    if t[0] < 0:
        raise ValueError(f"{name} must be {allowed}; it starts at {t[0]:g}")
    if t.size > 1 and not np.all(np.diff(t) > 0):
        raise ValueError(f"{name} must be {allowed}; it is not strictly increasing")
    return t


# --------------------------------------------------------------------------------------------
# parameter sets
# --------------------------------------------------------------------------------------------


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

MODELS: Mapping[str, PKModel] = MappingProxyType(
    {"domino": _DOMINO, "hijazi": _HIJAZI, "kamp": _KAMP})
"""Parameter sets by name. Default ``"domino"``. Children's models (Herd) and the doubtful
Clements & Nimmo constants are deliberately left out."""


# --------------------------------------------------------------------------------------------
# routes of absorption
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """A non-IV route: bioavailability, time to peak and the absorption rate constant used.

    ``f`` is the typical bioavailability used by default; ``f_low``–``f_high`` spans the lowest
    and highest figures reported in the cited sources (including their printed ranges), so a view
    can draw the spread. ``tmax_min`` is the published time to peak the absorption rate constant
    ``ka_per_min`` was chosen to reproduce with the Domino model (see ``docs/model-pk.md``).

    Examples
    --------
    >>> r = ROUTES["intranasal"]
    >>> r.f, r.f_low, r.f_high, r.tmax_min   # bioavailability fractions; minutes to peak
    (0.45, 0.11, 0.45, 20.0)
    """

    name: str
    label: str
    f: float
    f_low: float
    f_high: float
    tmax_min: float
    tmax_range_min: tuple[float, float] | None
    ka_per_min: float
    refs: tuple[str, ...]
    note: str

    def __post_init__(self) -> None:
        for field in ("f", "f_low", "f_high"):
            _number(getattr(self, field), field, low=0.0, strict_low=True, high=1.0)
        if not self.f_low <= self.f <= self.f_high:
            raise ValueError("route bioavailability must satisfy f_low <= f <= f_high")
        _number(self.tmax_min, "tmax_min", strict_low=True)
        _number(self.ka_per_min, "ka_per_min", strict_low=True)
        if not self.refs:
            raise ValueError(f"route {self.name!r} needs at least one reference key")


_ABSORPTION_NOTE = (" Absorption is drawn as first order with one rate constant fitted to the "
                    "time to peak; norketamine (the active metabolite) is not modelled.")

ROUTES: Mapping[str, Route] = MappingProxyType({
    "intramuscular": Route(
        name="intramuscular", label="injection into a muscle",
        f=0.93, f_low=0.93, f_high=0.93,
        tmax_min=10.0, tmax_range_min=(5.0, 15.0),
        ka_per_min=0.0276,
        refs=("clements1982",),
        note="93% is the widely quoted figure (Clements, Nimmo & Grant 1982), not read here; "
             "time to peak about 5–15 min." + _ABSORPTION_NOTE),
    "intranasal": Route(
        name="intranasal", label="nasal spray",
        f=0.45, f_low=0.11, f_high=0.45,
        tmax_min=20.0, tmax_range_min=(14.0, 23.0),
        ka_per_min=0.0115,
        refs=("yanagihara2003", "intranasal2022"),
        note="About 45% in a small study (n = 3, Yanagihara 2003) but only 11–17% in a 2022 "
             "study of 10–50 mg doses: absorption through the nose varies a lot, so the band "
             "11–45% matters more than the typical value." + _ABSORPTION_NOTE),
    "oral": Route(
        name="oral", label="liquid by mouth",
        f=0.20, f_low=0.17, f_high=0.27,
        tmax_min=57.6, tmax_range_min=None,
        ka_per_min=0.00578,
        refs=("yanagihara2003", "chong2009"),
        note="About 20% (Yanagihara 2003); 24% (17–27%) in Chong 2009. Time to peak about 1 h "
             "(0.96 h). Much of a swallowed dose becomes norketamine in the liver, so total "
             "exposure counting the metabolite is higher (combined 54–59%, Chong 2006 "
             "abstract); that is not drawn." + _ABSORPTION_NOTE),
    "sublingual": Route(
        name="sublingual", label="lozenge or wafer under the tongue",
        f=0.29, f_low=0.19, f_high=0.49,
        tmax_min=45.0, tmax_range_min=(15.0, 60.0),
        ka_per_min=0.00647,
        refs=("rolan2014", "chong2009"),
        note="29% (27–31%) in 8 healthy men (Rolan 2014); 24% (19–49%) in Chong 2009. No data "
             "were found for buccal troches specifically. Part of the dose is swallowed; that "
             "is not drawn separately." + _ABSORPTION_NOTE),
})
"""Non-IV routes by name (IV doses are :class:`Bolus` and :class:`Infusion`, F = 1)."""


# --------------------------------------------------------------------------------------------
# doses
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bolus:
    """An IV bolus of ``mg`` milligrams given at ``at_min`` minutes (mixed instantly in V1).

    Parameters
    ----------
    at_min : float
        When it is given, minutes on the clock of `simulate`'s ``times_min`` (>= 0).
    mg : float
        Amount in mg (> 0).

    Examples
    --------
    >>> Bolus(at_min=0, mg=140).total_mg
    140.0
    """

    at_min: float
    mg: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "at_min", _number(self.at_min, "Bolus.at_min"))
        object.__setattr__(self, "mg", _number(self.mg, "Bolus.mg", strict_low=True))

    @property
    def total_mg(self) -> float:
        """Milligrams given."""
        return self.mg


@dataclass(frozen=True)
class Infusion:
    """A constant-rate IV infusion of ``mg_per_h`` from ``start_min`` for ``duration_min``.

    Parameters
    ----------
    start_min : float
        When it starts, in minutes (>= 0).
    duration_min : float
        How long it runs, in minutes (> 0).
    mg_per_h : float
        Rate in mg per hour (> 0); for a weight-based rate multiply mg/kg/h by the weight.

    Examples
    --------
    >>> drip = Infusion(start_min=0, duration_min=240, mg_per_h=0.35 * 70)
    >>> drip.end_min, drip.total_mg
    (240.0, 98.0)
    """

    start_min: float
    duration_min: float
    mg_per_h: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "start_min", _number(self.start_min, "Infusion.start_min"))
        object.__setattr__(self, "duration_min",
                           _number(self.duration_min, "Infusion.duration_min", strict_low=True))
        object.__setattr__(self, "mg_per_h",
                           _number(self.mg_per_h, "Infusion.mg_per_h", strict_low=True))

    @property
    def end_min(self) -> float:
        """When the infusion stops (minutes)."""
        return self.start_min + self.duration_min

    @property
    def total_mg(self) -> float:
        """Milligrams given over the whole infusion."""
        return self.mg_per_h * self.duration_min / 60.0


@dataclass(frozen=True)
class Absorbed:
    """A dose of ``mg`` given at ``at_min`` by a non-IV ``route`` (a key of :data:`ROUTES`).

    A fraction F of the dose (``bioavailability``, default the route's typical ``f``) reaches the
    blood, entering the central compartment at the first-order rate ``ROUTES[route].ka_per_min``.

    Parameters
    ----------
    at_min : float
        When it is given, in minutes (>= 0).
    mg : float
        Amount given in mg (> 0), before bioavailability.
    route : str
        ``"intramuscular"``, ``"intranasal"``, ``"oral"`` or ``"sublingual"``.
    bioavailability : float, optional
        Fraction reaching the blood, in (0, 1]; default the route's typical value (for the nose the
        published range is wide: see ``ROUTES["intranasal"].f_low`` and ``.f_high``).

    Examples
    --------
    >>> Absorbed(at_min=0, mg=25, route="intranasal").fraction
    0.45
    >>> Absorbed(at_min=0, mg=25, route="intranasal", bioavailability=0.11).fraction
    0.11
    """

    at_min: float
    mg: float
    route: str
    bioavailability: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "at_min", _number(self.at_min, "Absorbed.at_min"))
        object.__setattr__(self, "mg", _number(self.mg, "Absorbed.mg", strict_low=True))
        if not isinstance(self.route, str) or self.route not in ROUTES:
            raise ValueError(f"Absorbed.route must be one of {', '.join(map(repr, ROUTES))} "
                             f"(IV doses are Bolus or Infusion); got {self.route!r}")
        if self.bioavailability is not None:
            object.__setattr__(self, "bioavailability",
                               _number(self.bioavailability, "Absorbed.bioavailability",
                                       low=0.0, strict_low=True, high=1.0))

    @property
    def fraction(self) -> float:
        """Bioavailability used: the given one, else the route's typical value."""
        return self.bioavailability if self.bioavailability is not None else ROUTES[self.route].f

    @property
    def ka_per_min(self) -> float:
        """First-order absorption rate constant of the route (per minute)."""
        return ROUTES[self.route].ka_per_min

    @property
    def total_mg(self) -> float:
        """Milligrams given (before bioavailability)."""
        return self.mg


Dose = Bolus | Infusion | Absorbed
_DOSE_TYPES = (Bolus, Infusion, Absorbed)


def _regimen(regimen: object) -> list[Dose]:
    allowed = "a non-empty list of pk.Bolus, pk.Infusion or pk.Absorbed doses"
    if isinstance(regimen, _DOSE_TYPES):
        raise ValueError(f"regimen must be {allowed}; got a single dose (wrap it in a list)")
    if isinstance(regimen, str | bytes | Mapping) or not isinstance(regimen, Iterable):
        raise ValueError(f"regimen must be {allowed}; got {type(regimen).__name__}")
    items = list(regimen)
    if not items:
        raise ValueError(f"regimen must be {allowed}; got an empty regimen")
    for i, item in enumerate(items):
        if not isinstance(item, _DOSE_TYPES):
            raise ValueError(f"regimen item {i} must be a pk.Bolus, pk.Infusion or pk.Absorbed; "
                             f"got {item!r}")
    return items


def regimen_total_mg(regimen: Iterable[Dose], *, bioavailable: bool = False) -> float:
    """Total milligrams in a regimen; with ``bioavailable=True``, the amount reaching the blood.

    Parameters
    ----------
    regimen : list of Bolus, Infusion or Absorbed
        The doses (non-empty).
    bioavailable : bool
        If True, each absorbed dose counts only its bioavailable fraction.

    Returns
    -------
    float
        Milligrams.

    Examples
    --------
    >>> doses = [Bolus(0, 10), Absorbed(60, 25, "intranasal")]
    >>> regimen_total_mg(doses), regimen_total_mg(doses, bioavailable=True)
    (35.0, 21.25)
    """
    total = 0.0
    for d in _regimen(regimen):
        frac = d.fraction if (bioavailable and isinstance(d, Absorbed)) else 1.0
        total += frac * d.total_mg
    return total


# --------------------------------------------------------------------------------------------
# the exact solution
# --------------------------------------------------------------------------------------------


def _resolve_model(model: str | PKModel) -> PKModel:
    if isinstance(model, PKModel):
        return model
    if isinstance(model, str) and model in MODELS:
        return MODELS[model]
    raise ValueError(f"model must be one of {', '.join(map(repr, MODELS))} (or a pk.PKModel); "
                     f"got {model!r}")


def _bolus_response(tau: np.ndarray, coef: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """mg/L per mg at ``tau >= 0`` minutes after an IV bolus."""
    return coef @ np.exp(-np.outer(rates, tau))


def _infusion_response(tau: np.ndarray, dur: float, coef: np.ndarray,
                       rates: np.ndarray) -> np.ndarray:
    """mg/L per (mg/min) at ``tau >= 0`` minutes after the start of an infusion of length dur."""
    during = np.minimum(tau, dur)
    after = tau - during
    # sum_i c_i/λ_i (1 - e^{-λ_i min(τ,T)}) e^{-λ_i max(τ-T, 0)}: exact both during and after.
    rise = -np.expm1(-np.outer(rates, during))
    fall = np.exp(-np.outer(rates, after))
    return (coef / rates) @ (rise * fall)


def _absorbed_response(tau: np.ndarray, ka: float, coef: np.ndarray,
                       rates: np.ndarray) -> np.ndarray:
    """mg/L per absorbed mg at ``tau >= 0`` minutes after a first-order depot dose.

    Each phase contributes ``c_i ka (e^{-λ_i τ} - e^{-ka τ}) / (ka - λ_i)`` (the Bateman
    function). Where ka is within a relative 1e-6 of a disposition rate the quotient is replaced by
    its exact equivalent ``τ e^{-mτ} g((M-m)τ)``, m and M the smaller and larger of (λ_i, ka) and
    ``g(x) = (1 - e^{-x})/x`` (g(0) = 1), so there is never a 0/0.
    """
    near = np.abs(rates - ka) <= 1e-6 * np.maximum(rates, ka)
    e_ka = np.exp(-ka * tau)
    out = np.zeros_like(tau)
    if np.any(~near):
        far_rates = rates[~near]
        weights = coef[~near] * ka / (ka - far_rates)
        out += weights @ (np.exp(-np.outer(far_rates, tau)) - e_ka)
    for c, lam in zip(coef[near], rates[near], strict=True):
        lo, gap = min(lam, ka), abs(lam - ka)
        x = gap * tau
        small = x < 1e-8
        g = np.where(small, 1.0 - 0.5 * x, -np.expm1(-x) / np.where(small, 1.0, x))
        out += c * ka * tau * np.exp(-lo * tau) * g
    return out


def simulate(model: str | PKModel = DEFAULT_MODEL, weight_kg: float = 70.0,
             regimen: Sequence[Dose] = (), times_min: Sequence[float] | np.ndarray = ()
             ) -> np.ndarray:
    """Plasma concentration (ng/mL) at each of ``times_min`` for a dosing ``regimen``.

    Parameters
    ----------
    model : str or PKModel
        A key of :data:`MODELS` (``"domino"``, ``"hijazi"``, ``"kamp"``) or a :class:`PKModel`.
    weight_kg : float
        Body weight in kg, within :data:`WEIGHT_RANGE_KG` (40–150).
    regimen : list of Bolus, Infusion or Absorbed
        A non-empty list of doses; their times are minutes on the same clock as ``times_min``.
    times_min : array_like
        1-D, strictly increasing, non-negative times in minutes (any spacing).

    Returns
    -------
    numpy.ndarray
        Concentration in ng/mL, same shape as ``times_min``; exact for the linear model (sum of
        closed-form responses), zero before the first dose.

    Examples
    --------
    A 2 mg/kg bolus at 70 kg, 5 minutes later, and a 4-hour infusion of 0.35 mg/kg/h at its end
    (the arithmetic checks in ``docs/model-pk.md``):

    >>> round(float(simulate("domino", 70, [Bolus(0, 140)], [5.0])[0]))
    1110
    >>> round(float(simulate("domino", 70, [Infusion(0, 240, 0.35 * 70)], [240.0])[0]))
    182
    """
    m = _resolve_model(model)
    coef, rates = m.exponentials(weight_kg)
    doses = _regimen(regimen)
    t = _times(times_min)
    out = np.zeros_like(t)
    for d in doses:
        start = d.start_min if isinstance(d, Infusion) else d.at_min
        i0 = int(np.searchsorted(t, start, side="left"))
        if i0 == t.size:
            continue
        tau = t[i0:] - start
        if isinstance(d, Bolus):
            out[i0:] += d.mg * _bolus_response(tau, coef, rates)
        elif isinstance(d, Infusion):
            out[i0:] += (d.mg_per_h / 60.0) * _infusion_response(tau, d.duration_min, coef, rates)
        else:
            out[i0:] += d.fraction * d.mg * _absorbed_response(tau, d.ka_per_min, coef, rates)
    return out * _NG_ML_PER_MG_L


# --------------------------------------------------------------------------------------------
# summaries of a curve
# --------------------------------------------------------------------------------------------


def _curve(times_min: object, conc_ng_ml: object) -> tuple[np.ndarray, np.ndarray]:
    t = _times(times_min)
    c = np.asarray(conc_ng_ml, dtype=float) if not isinstance(conc_ng_ml, str) else None
    if c is None or c.shape != t.shape or not np.all(np.isfinite(c)):
        raise ValueError("conc_ng_ml must be a finite 1-D array of the same length as times_min")
    return t, c


def peak(times_min: Sequence[float] | np.ndarray,
         conc_ng_ml: Sequence[float] | np.ndarray) -> tuple[float, float]:
    """``(t_peak_min, c_peak_ng_ml)``: the highest sampled concentration and when (first if tied).

    The peak is read off the samples, so its accuracy is the spacing of ``times_min``.

    Parameters
    ----------
    times_min : array_like
        Sample times in minutes (1-D, strictly increasing, >= 0).
    conc_ng_ml : array_like
        Concentrations in ng/mL at those times (same length, finite).

    Returns
    -------
    tuple of float
        Time of the peak in minutes and the peak concentration in ng/mL.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(0, 361, 1.0)
    >>> t_peak, c_peak = peak(t, simulate("domino", 70, [Infusion(0, 240, 24.5)], t))
    >>> t_peak, round(c_peak)
    (240.0, 182)
    """
    t, c = _curve(times_min, conc_ng_ml)
    i = int(np.argmax(c))
    return float(t[i]), float(c[i])


def time_above(times_min: Sequence[float] | np.ndarray, conc_ng_ml: Sequence[float] | np.ndarray,
               level_ng_ml: float) -> float:
    """Minutes the curve spends strictly above ``level_ng_ml`` (linear between samples).

    Parameters
    ----------
    times_min : array_like
        Sample times in minutes (1-D, strictly increasing, >= 0).
    conc_ng_ml : array_like
        Concentrations in ng/mL at those times.
    level_ng_ml : float
        The level in ng/mL (>= 0).

    Returns
    -------
    float
        Minutes above the level.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(0, 361, 1.0)
    >>> round(time_above(t, simulate("domino", 70, [Infusion(0, 240, 24.5)], t), 100.0))
    227
    """
    t, c = _curve(times_min, conc_ng_ml)
    level = _number(level_ng_ml, "level_ng_ml")
    if t.size < 2:
        return 0.0
    a0, a1 = c[:-1] - level, c[1:] - level
    dt = np.diff(t)
    both = (a0 > 0) & (a1 > 0)
    cross = (a0 > 0) != (a1 > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        part = np.where(cross, dt * np.maximum(a0, a1) / np.abs(a1 - a0), 0.0)
    return float(np.sum(np.where(both, dt, 0.0)) + np.sum(part))


def auc(times_min: Sequence[float] | np.ndarray, conc_ng_ml: Sequence[float] | np.ndarray) -> float:
    """Area under the curve by the trapezoid rule, in ng·min/mL (divide by 60 for ng·h/mL).

    Parameters
    ----------
    times_min : array_like
        Sample times in minutes (1-D, strictly increasing, >= 0).
    conc_ng_ml : array_like
        Concentrations in ng/mL at those times.

    Returns
    -------
    float
        Area in ng·min/mL.

    Examples
    --------
    >>> auc([0.0, 60.0], [0.0, 100.0])
    3000.0
    """
    t, c = _curve(times_min, conc_ng_ml)
    if t.size < 2:
        return 0.0
    return float(np.sum(np.diff(t) * (c[:-1] + c[1:]) / 2.0))


@dataclass(frozen=True)
class Summary:
    """Headline numbers of a simulated curve (see :func:`summary`).

    Times are in minutes, concentrations in ng/mL, the area in ng·min/mL.

    Examples
    --------
    >>> summary([0.0, 60.0], [0.0, 100.0]).auc_ng_min_per_ml
    3000.0
    """

    t_peak_min: float
    c_peak_ng_ml: float
    auc_ng_min_per_ml: float
    c_end_ng_ml: float
    level_ng_ml: float | None = None
    time_above_min: float | None = None


def summary(times_min: Sequence[float] | np.ndarray, conc_ng_ml: Sequence[float] | np.ndarray,
            level_ng_ml: float | None = None) -> Summary:
    """Peak, AUC, last value and (if ``level_ng_ml`` is given) minutes above that level.

    Parameters
    ----------
    times_min : array_like
        Sample times in minutes (1-D, strictly increasing, >= 0).
    conc_ng_ml : array_like
        Concentrations in ng/mL at those times.
    level_ng_ml : float, optional
        A level in ng/mL for ``time_above_min``.

    Returns
    -------
    Summary
        ``t_peak_min``, ``c_peak_ng_ml``, ``auc_ng_min_per_ml``, ``c_end_ng_ml``, ``level_ng_ml``,
        ``time_above_min`` (minutes; None without a level).

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(0, 361, 1.0)
    >>> s = summary(t, simulate("domino", 70, [Infusion(0, 240, 24.5)], t), level_ng_ml=100.0)
    >>> round(s.c_peak_ng_ml), round(s.time_above_min), round(s.c_end_ng_ml)
    (182, 227, 47)
    """
    t_peak, c_peak = peak(times_min, conc_ng_ml)
    above = None if level_ng_ml is None else time_above(times_min, conc_ng_ml, level_ng_ml)
    return Summary(
        t_peak_min=t_peak,
        c_peak_ng_ml=c_peak,
        auc_ng_min_per_ml=auc(times_min, conc_ng_ml),
        c_end_ng_ml=float(np.asarray(conc_ng_ml, dtype=float)[-1]),
        level_ng_ml=None if level_ng_ml is None else float(level_ng_ml),
        time_above_min=above,
    )


# --------------------------------------------------------------------------------------------
# time to peak after one absorbed dose, and the ka search used to set ROUTES
# --------------------------------------------------------------------------------------------


def single_dose_tmax(ka_per_min: float, model: str | PKModel = DEFAULT_MODEL) -> float:
    """Exact time to peak (minutes) after one first-order-absorbed dose with rate ``ka_per_min``.

    Independent of dose, bioavailability and (for these weight-proportional models) weight. Found
    by locating the maximum on a grid of 20,001 points and refining the root of the derivative by
    bisection.

    Parameters
    ----------
    ka_per_min : float
        Absorption rate constant in 1/min (> 0).
    model : str or PKModel
        A key of :data:`MODELS` or a :class:`PKModel` (default Domino).

    Returns
    -------
    float
        Time to peak in minutes.

    Examples
    --------
    >>> round(single_dose_tmax(ROUTES["intranasal"].ka_per_min))
    20
    """
    ka = _number(ka_per_min, "ka_per_min", strict_low=True)
    coef, rates = _resolve_model(model).exponentials(70.0)

    def slope(tau: float) -> float:
        # d/dτ of sum_i c_i ka (e^{-λ_i τ} - e^{-ka τ})/(ka - λ_i), written without the quotient
        # blowing up when ka ≈ λ_i (the quotient is replaced by its limit τ e^{-ka τ}).
        total = 0.0
        for c, lam in zip(coef, rates, strict=True):
            if abs(ka - lam) < 1e-12:
                total += c * ka * math.exp(-ka * tau) * (1.0 - ka * tau)
            else:
                total += c * ka * (ka * math.exp(-ka * tau) - lam * math.exp(-lam * tau)) / (
                    ka - lam)
        return total

    horizon = 20.0 / min(ka, float(rates.min())) + 10.0
    grid = np.linspace(0.0, horizon, 20001)
    curve = _absorbed_response(grid, ka, coef, rates)
    i = int(np.argmax(curve))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)]
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if slope(mid) > 0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def derive_ka(target_tmax_min: float, model: str | PKModel = DEFAULT_MODEL) -> float:
    """The absorption rate constant (per min) whose single-dose time to peak is the target.

    Time to peak falls monotonically as ka rises, so a bisection on log(ka) over 1e-4 to 10 per
    minute finds it. This is the search used to set :data:`ROUTES` (values stored rounded).

    Parameters
    ----------
    target_tmax_min : float
        The wanted time to peak in minutes (> 0).
    model : str or PKModel
        A key of :data:`MODELS` or a :class:`PKModel` (default Domino).

    Returns
    -------
    float
        Absorption rate constant in 1/min.

    Examples
    --------
    >>> round(derive_ka(20.0), 4)
    0.0115
    """
    target = _number(target_tmax_min, "target_tmax_min", strict_low=True)
    lo, hi = math.log(1e-4), math.log(10.0)
    if not single_dose_tmax(math.exp(hi), model) < target < single_dose_tmax(math.exp(lo), model):
        raise ValueError("target_tmax_min is outside what ka in [1e-4, 10] per min can reach")
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if single_dose_tmax(math.exp(mid), model) > target:
            lo = mid
        else:
            hi = mid
    return math.exp(0.5 * (lo + hi))
