"""Which clinic this process serves, without importing the clinic schema when there is none.

    from explainer.content import clinic_env
    clinic_env.configured()        # is $KETAMINE_EXPLAINER_CLINIC set?
    clinic_env.current()           # the validated ClinicConfig (read once), or None
    clinic_env.shown_protocols()   # the protocols the pages offer
    clinic_env.COUNTRIES["UK"]     # emergency number and defaults per country

Most servers run without a clinic file. Then a page's footer, the walkthrough and the timeline
only need to know that, and the schema (`explainer.content.clinic`, built on pydantic) is never
imported: with the protocol library's numpy, which the footer no longer needs either, that is
21 MB of the start page's kernel (66 -> 45 MB, `benchmarks/load.py --only memory`). With a
file configured, `current()` loads it through the schema, once per process
(`explainer.content.clinic.current`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from explainer.content.clinic import ClinicConfig
    from explainer.content.protocols import Protocol

__all__ = ["CLINIC_ENV_VAR", "COUNTRIES", "configured", "current", "shown_protocols"]

CLINIC_ENV_VAR = "KETAMINE_EXPLAINER_CLINIC"
"""Names the clinic file for the server and every kernel it starts (set by ``serve --clinic``)."""
COUNTRIES: Mapping[str, Mapping[str, str]] = MappingProxyType({
    "UK": MappingProxyType({"emergency": "999", "paper": "A4", "timezone": "Europe/London"}),
    "US": MappingProxyType({"emergency": "911", "paper": "Letter",
                            "timezone": "America/New_York"}),
})
"""Per country: the emergency number and the defaults for paper and time zone."""


def configured() -> bool:
    """Whether a clinic file is named for this process."""
    return bool(os.environ.get(CLINIC_ENV_VAR))


def current() -> ClinicConfig | None:
    """The clinic's validated configuration (`explainer.content.clinic.current`), or None
    without importing the schema when no clinic is configured."""
    if not configured():
        return None
    from explainer.content import clinic

    return clinic.current()


def shown_protocols() -> Mapping[str, Protocol]:
    """The protocols the pages offer (`explainer.content.clinic.shown_protocols`); without a
    clinic, the library's."""
    if not configured():
        from explainer.content.protocols import load_protocols

        return load_protocols()
    from explainer.content import clinic

    return clinic.shown_protocols()
