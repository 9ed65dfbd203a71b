"""Which clinic this process serves, without importing the clinic schema when there is none.

    from explainer.content.clinic import env as clinic_env
    clinic_env.configured()        # is $KETAMINE_EXPLAINER_CLINIC set?
    clinic_env.current()           # the validated ClinicConfig (read once), or None
    clinic_env.shown_protocols()   # the protocols the pages offer

Most servers run without a clinic file. Then a page's footer, the walkthrough and the timeline
only need to know that, and the schema (`explainer.content.clinic.config`, built on pydantic) is
never imported: with the protocol library's numpy, which the footer no longer needs either, that is
21 MB of the start page's kernel (66 -> 45 MB, `benchmarks/load.py --only memory`). With a
file configured, `current()` loads it through the schema, once per process
(`explainer.content.clinic.config.current`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from explainer.content.clinic.constants import CLINIC_ENV_VAR
from explainer.content.strings import per_locale

if TYPE_CHECKING:
    from explainer.content.clinic.config import ClinicConfig
    from explainer.content.protocols.library import Protocol

__all__ = ["configured", "current", "shown_protocols"]



def configured() -> bool:
    """Whether a clinic file is named for this process."""
    return bool(os.environ.get(CLINIC_ENV_VAR))


def current() -> ClinicConfig | None:
    """The clinic's validated configuration (`explainer.content.clinic.config.current`), or None
    without importing the schema when no clinic is configured."""
    if not configured():
        return None
    from explainer.content.clinic import config as clinic

    return clinic.current()


@per_locale(maxsize=1)
def shown_protocols() -> Mapping[str, Protocol]:
    """The protocols the pages offer (`explainer.content.clinic.config.shown_protocols`); without a
    clinic, the library's. Loaded once per process (the pages ask often)."""
    if not configured():
        from explainer.content.protocols.library import load_protocols

        return load_protocols()
    from explainer.content.clinic import config as clinic

    return clinic.shown_protocols()
