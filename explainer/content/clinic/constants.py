"""The clinic's constants: the variable that names the file, and per country the emergency
number and the defaults.

This module imports nothing of the package, so every clinic module (and the pages that only
need an emergency number) can use it without an import loop.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["CLINIC_ENV_VAR", "COUNTRIES"]

CLINIC_ENV_VAR = "KETAMINE_EXPLAINER_CLINIC"
"""Names the clinic file for the server and every kernel it starts (set by ``serve --clinic``)."""
COUNTRIES: Mapping[str, Mapping[str, str]] = MappingProxyType({
    "UK": MappingProxyType({"emergency": "999", "paper": "A4", "timezone": "Europe/London"}),
    "US": MappingProxyType({"emergency": "911", "paper": "Letter",
                            "timezone": "America/New_York"}),
})
"""Per country: the emergency number and the defaults for paper and time zone."""
