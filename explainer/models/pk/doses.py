"""Doses (`Bolus`, `Infusion`, `Absorbed`) and regimens of them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from explainer.models.pk._checks import _number
from explainer.models.pk.routes import ROUTES


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
