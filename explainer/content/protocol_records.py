"""The protocol library's records: one dose of a session (:class:`DoseSpec`) and a protocol
(:class:`Protocol`), turned into pk dose objects for a body weight. Built by
:mod:`explainer.content.protocols`, which reads and checks the files."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from explainer.models import pk

__all__ = ["EXAMPLE_NOTE", "MINUTES_PER_DAY", "DoseSpec", "Protocol"]

EXAMPLE_NOTE = "Example — your clinic may differ"
"""The note an example protocol must carry (also its label: :attr:`Protocol.example_label`)."""
MINUTES_PER_DAY = 1440


@dataclass(frozen=True)
class DoseSpec:
    """One dose within a session, before it is scaled to a body weight.

    ``kind`` is ``"bolus"``, ``"infusion"`` or ``"absorbed"``; ``amount_key`` says how
    ``amount`` is expressed (``mg``, ``mg_per_kg``, ``mg_per_h``, ``mg_per_kg_per_h`` or
    ``mg_per_h_per_70kg``); ``cap`` is the maximum mg (bolus / absorbed) or mg/h (infusion) after
    weight scaling, if any.
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
        """mg (bolus / absorbed) or mg/h (infusion) for this weight, before any cap."""
        w = pk.validate_weight(weight_kg)
        if self.amount_key in ("mg", "mg_per_h"):
            return self.amount
        if self.amount_key in ("mg_per_kg", "mg_per_kg_per_h"):
            return self.amount * w
        return self.amount * w / 70.0  # mg_per_h_per_70kg

    def is_capped(self, weight_kg: float) -> bool:
        """True if the cap lowers the dose at this weight."""
        return self.cap is not None and self.scaled_amount(weight_kg) > self.cap

    def dose(self, weight_kg: float, offset_min: float = 0.0) -> pk.Dose:
        """The pk dose object for this weight, shifted by ``offset_min``."""
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


@dataclass(frozen=True)
class Protocol:
    """A protocol from the library: plain-words text, the doses of one session, the course."""

    id: str
    name: str
    summary: str
    route: str
    drug: str
    condition: str | None
    audience: Mapping[str, str]
    session_days: tuple[int, ...]
    session_length_min: float
    doses: tuple[DoseSpec, ...]
    refs: tuple[str, ...]
    example: bool
    notes: tuple[str, ...]

    def regimen(self, weight_kg: float) -> list[pk.Dose]:
        """The doses of one session for this weight (minutes from the start of the session)."""
        return [d.dose(weight_kg) for d in self.doses]

    def course_regimen(self, weight_kg: float) -> list[pk.Dose]:
        """The doses of every session, each shifted by its day offset (minutes from day 0)."""
        return [d.dose(weight_kg, day * MINUTES_PER_DAY)
                for day in self.session_days for d in self.doses]

    def is_capped(self, weight_kg: float) -> bool:
        """True if any dose cap (e.g. max 25 mg/h) lowers a dose at this weight."""
        return any(d.is_capped(weight_kg) for d in self.doses)

    def session_total_mg(self, weight_kg: float) -> float:
        """Milligrams given in one session (before bioavailability)."""
        return pk.regimen_total_mg(self.regimen(weight_kg))

    @property
    def course_length_min(self) -> float:
        """From the start of the first session to the end of the last, in minutes."""
        return self.session_days[-1] * MINUTES_PER_DAY + self.session_length_min

    @property
    def example_label(self) -> str | None:
        """``"Example — your clinic may differ"`` for example protocols, else None."""
        return EXAMPLE_NOTE if self.example else None
