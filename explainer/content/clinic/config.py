"""A clinic's configuration file (TOML): schema, loader and the one copy each process uses.

    from explainer.content.clinic import config as clinic
    cfg = clinic.load_clinic("examples/clinic.toml")   # ClinicConfig, or ClinicConfigError
    cfg.clinic.name, cfg.after_care.no_driving_hours, cfg.protocols   # validated values
    clinic.current()            # the file named by $KETAMINE_EXPLAINER_CLINIC, read once; or None
    clinic.shown_protocols()    # library + clinic protocols, filtered by [show] protocols

The schema is a set of pydantic models (one per table; unknown fields refused); the
``[[protocols]]`` tables are checked by the protocol library's own validator
(``explainer.content.protocols.library.parse_protocols``), so a clinic's protocol takes exactly the
fields of ``assets/en-GB/protocols.yaml``. Every problem becomes one line naming the file, the
line, the field and what is allowed (:class:`ClinicConfigError.problems`). The fields are
documented in ``docs/clinic-config.md``. Values are shown on pages and in the handout only
through escaping (HTML) or as data (the handout's Typst template never reads them as markup).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from pydantic import ValidationError

from explainer.content import strings
from explainer.content.clinic.constants import CLINIC_ENV_VAR, COUNTRIES  # noqa: F401 - re-exported  # noqa: F401 - re-exported
from explainer.content.clinic.problems import (
    field_lines,
    problem_line,
    protocol_problems,
    pydantic_problems,
)
from explainer.content.clinic.schema import (  # noqa: F401 - re-exported
    AFTER_CARE_REFS,
    LOCAL_PROTOCOL_REF,
    MIN_NO_ALCOHOL_HOURS,
    MIN_NO_DRIVING_HOURS,
    NO_DRIVING_REFS,
    REQUIRED_STEPS,
    STEPS,
    AfterCare,
    Before,
    ClinicConfig,
    ClinicConfigError,
    ClinicInfo,
    Show,
    _File,
)
from explainer.content.protocols.library import Protocol, load_protocols

__all__ = [
    "AFTER_CARE_REFS",
    "CLINIC_ENV_VAR",
    "COUNTRIES",
    "LOCAL_PROTOCOL_REF",
    "MIN_NO_ALCOHOL_HOURS",
    "MIN_NO_DRIVING_HOURS",
    "REQUIRED_STEPS",
    "STEPS",
    "AfterCare",
    "Before",
    "ClinicConfig",
    "ClinicConfigError",
    "ClinicInfo",
    "Show",
    "clear_cache",
    "current",
    "load_clinic",
    "shown_protocols",
]


def load_clinic(path: str | os.PathLike[str]) -> ClinicConfig:
    """Read and validate a clinic file; raise :class:`ClinicConfigError` listing every problem."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ClinicConfigError([f"{file}: cannot read the file: {exc}"]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ClinicConfigError([f"{file}: not valid TOML: {exc}"]) from None
    lines = field_lines(text)
    problems: list[str] = []
    tables = None
    try:
        tables = _File.model_validate(data)
    except ValidationError as err:
        problems += pydantic_problems(file, lines, err)
    items = data.get("protocols") if isinstance(data.get("protocols"), list) else []
    items = [item for item in items if isinstance(item, dict)]
    protocols, own_problems = protocol_problems(file, lines, items)
    problems += own_problems
    if tables is not None and tables.show.protocols is not None:
        known = {*load_protocols(), *(item.get("id") for item in items)}
        for i, pid in enumerate(tables.show.protocols):
            if pid not in known:
                problems.append(problem_line(file, lines, ("show", "protocols", i),
                                         f"unknown protocol {pid!r}; allowed: "
                                         f"{', '.join(str(k) for k in known)}"))
    if problems or tables is None:
        raise ClinicConfigError(problems)
    cfg = ClinicConfig(file.resolve(), tables, protocols)
    problems += _words_problems(cfg, file, lines)
    if problems:
        raise ClinicConfigError(problems)
    return cfg


def _words_problems(cfg: ClinicConfig, file: Path, lines: Mapping[tuple, int]) -> list[str]:
    """A clinic that offers another language gives its own words in it (``[words.<locale>]``),
    every one: a patient reading Spanish must not meet a when-to-call sign in English. A word
    given for a text the file does not have (a typo) or for a language it does not offer is
    refused too."""
    own = cfg.own_words()
    offered = cfg.clinic.offered_languages
    problems = []
    for locale, table in cfg.words.items():
        if locale not in offered[1:]:
            problems.append(problem_line(file, lines, ("words", locale),
                                         f"the clinic does not offer {locale!r} besides its "
                                         f"own locale; offered: {', '.join(offered[1:]) or '-'}"))
            continue
        for text in table:
            if text not in own:
                problems.append(problem_line(file, lines, ("words", locale, text),
                                             "is not a text of this file (its lists and its "
                                             "protocols' name, summary and patient text)"))
    for locale in offered[1:]:
        table = cfg.words.get(locale, {})
        missing = [t for t in own if t not in table]
        if missing:
            problems.append(problem_line(
                file, lines, ("words", locale),
                f"offers {locale!r} but does not give these in it: "
                + "; ".join(repr(t) for t in missing)))
    return problems


# --- The one copy a process uses --------------------------------------------------------------


def current() -> ClinicConfig | None:
    """The clinic file named by ``$KETAMINE_EXPLAINER_CLINIC`` (read once per process), its own
    words in the page's language; or None when no clinic is configured (the pages then stay
    generic and say so)."""
    cfg = _file()
    return cfg.in_language(strings.current()) if cfg is not None else None


def clear_cache() -> None:
    """Forget the clinic file read (after changing ``$KETAMINE_EXPLAINER_CLINIC``)."""
    _file.cache_clear()


@lru_cache(maxsize=1)
def _file() -> ClinicConfig | None:
    path = os.environ.get(CLINIC_ENV_VAR)
    return load_clinic(path) if path else None


def shown_protocols() -> Mapping[str, Protocol]:
    """The protocols the pages offer: the clinic's own first, then the library's; a clinic's
    ``[show] protocols`` picks (and orders) them. Without a clinic: the library."""
    library = load_protocols()
    cfg = current()
    if cfg is None:
        return library
    every = {**cfg.protocols, **library}
    if cfg.show.protocols is None:
        return MappingProxyType(every)
    return MappingProxyType({pid: every[pid] for pid in cfg.show.protocols})
