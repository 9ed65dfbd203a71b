"""A protocol's doses before they meet a patient: `DoseSpec` scales a dose to a body weight,
applies its cap and turns it into a `pk` dose (pure numbers; the protocol library that holds
the words lives in `explainer.content.protocols.library`).

>>> spec = DoseSpec("infusion", 0, "mg_per_kg_per_h", 0.35, duration_min=240, cap=25.0)
>>> spec.scaled_amount(70), spec.is_capped(80), spec.dose(80).mg_per_h
(24.5, True, 25.0)
"""

from __future__ import annotations

from dataclasses import dataclass

from explainer.models import pk

__all__ = ["AMOUNT_KEYS", "DOSE_KINDS", "MINUTES_PER_DAY", "DoseSpec"]

MINUTES_PER_DAY = 1440
DOSE_KINDS: tuple[str, ...] = ("bolus", "infusion", "absorbed")
AMOUNT_KEYS: tuple[str, ...] = ("mg", "mg_per_kg", "mg_per_h", "mg_per_kg_per_h",
                                "mg_per_h_per_70kg")
"""How a dose's amount may be written: fixed, per kg, or per 70 kg of body weight."""


@dataclass(frozen=True)
class DoseSpec:
    """One dose within a session, before it is scaled to a body weight.

    Parameters
    ----------
    kind : str
        ``"bolus"``, ``"infusion"`` or ``"absorbed"`` (one of `DOSE_KINDS`).
    at_min : float
        When the dose is given (an infusion starts), in minutes from the session's start.
    amount_key : str
        How ``amount`` is expressed: ``mg``, ``mg_per_kg``, ``mg_per_h``, ``mg_per_kg_per_h``
        or ``mg_per_h_per_70kg`` (one of `AMOUNT_KEYS`).
    amount : float
        The amount in the unit ``amount_key`` names (mg, mg/kg, mg/h, mg/kg/h or mg/h per 70 kg).
    duration_min : float, optional
        An infusion's length in minutes (None for a bolus or absorbed dose).
    cap : float, optional
        The most mg (bolus / absorbed) or mg/h (infusion) after weight scaling, if any.
    route : str, optional
        An absorbed dose's route (a key of `pk.ROUTES`).
    bioavailability : float, optional
        An absorbed dose's bioavailable fraction (0 to 1; None: the route's typical value).

    Examples
    --------
    >>> DoseSpec("bolus", 0, "mg_per_kg", 0.5, cap=30.0).dose(70)
    Bolus(at_min=0.0, mg=30.0)
    """

    kind: str
    at_min: float
    amount_key: str
    amount: float
    duration_min: float | None = None
    cap: float | None = None
    route: str | None = None
    bioavailability: float | None = None

    def scaled_amount(self, weight_kg: float) -> float:
        """mg (bolus / absorbed) or mg/h (infusion) for this weight, before any cap.

        Parameters
        ----------
        weight_kg : float
            Body weight in kg (within `pk.WEIGHT_RANGE_KG`).

        Examples
        --------
        >>> DoseSpec("infusion", 0, "mg_per_h_per_70kg", 14.0, duration_min=60).scaled_amount(105)
        21.0
        """
        w = pk.validate_weight(weight_kg)
        if self.amount_key in ("mg", "mg_per_h"):
            return self.amount
        if self.amount_key in ("mg_per_kg", "mg_per_kg_per_h"):
            return self.amount * w
        return self.amount * w / 70.0  # mg_per_h_per_70kg

    def is_capped(self, weight_kg: float) -> bool:
        """True if the cap lowers the dose at `weight_kg` kg.

        >>> DoseSpec("bolus", 0, "mg_per_kg", 0.5, cap=30.0).is_capped(50)
        False
        """
        return self.cap is not None and self.scaled_amount(weight_kg) > self.cap

    def dose(self, weight_kg: float, offset_min: float = 0.0) -> pk.Dose:
        """The pk dose object for `weight_kg` kg, its time shifted by `offset_min` minutes (a
        later session of a course).

        >>> DoseSpec("absorbed", 30, "mg", 50.0, route="intranasal").dose(70, 1440).at_min
        1470.0
        """
        amount = self.scaled_amount(weight_kg)
        if self.cap is not None:
            amount = min(amount, self.cap)
        t = self.at_min + offset_min
        if self.kind == "infusion":
            assert self.duration_min is not None
            return pk.Infusion(start_min=t, duration_min=self.duration_min, mg_per_h=amount)
        if self.kind == "bolus":
            return pk.Bolus(at_min=t, mg=amount)
        assert self.route is not None
        return pk.Absorbed(at_min=t, mg=amount, route=self.route,
                           bioavailability=self.bioavailability)

    @property
    def end_min(self) -> float:
        """When the dose has been given (end of an infusion, else the dose time)."""
        return self.at_min + (self.duration_min or 0.0)
