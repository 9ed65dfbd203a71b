"""The protocol library's records: a protocol (:class:`Protocol`) made of
:class:`~explainer.models.protocol.DoseSpec` doses, turned into pk dose objects for a body
weight. Built by :mod:`explainer.content.protocols.library`, which reads and checks the files."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from explainer.models import pk
from explainer.models.protocol import MINUTES_PER_DAY, DoseSpec

__all__ = ["EXAMPLE_NOTE", "MINUTES_PER_DAY", "DoseSpec", "Protocol"]

EXAMPLE_NOTE = "Example — your clinic may differ"
"""The note an example protocol must carry (also its label: :attr:`Protocol.example_label`)."""


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
