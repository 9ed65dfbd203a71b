"""The `ketamine-explainer locale-report [LOCALE] [--keys]` command: per locale, what it overrides,
its word counts, the keys it falls back on and how easy its patient passages are to read.

    ketamine-explainer locale-report          # every locale of assets/locales.yaml
    ketamine-explainer locale-report es --keys  # one locale, listing every fallen-back key

Readability is measured over the walkthrough's patient passages as the locale shows them
(fallbacks included) with textstat: Flesch-Kincaid grade for English (the project's rule: 6 on
average, never above 8), Fernández-Huerta and Szigriszt-Pazos for Spanish (80 or more is
"fácil"/"bastante fácil"; the rule: 80 on average, 70 for every passage).
"""

from __future__ import annotations

import argparse
import re
import statistics
from dataclasses import dataclass, field
from typing import Any

from explainer.content import strings
from explainer.content.walkthrough import passages as walkthrough

__all__ = ["LocaleReport", "add_parser", "readability", "report", "run", "words"]

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


def words(text: str) -> int:
    """The number of words in ``text`` (letters, with inner hyphens or apostrophes)."""
    return len(_WORD.findall(text))


def _texts(node: Any):
    if isinstance(node, dict):
        for key, value in node.items():
            code = key in strings.CODE_KEYS or key in strings.SAME_KEYS
            if not (code and not isinstance(value, dict) or str(key).endswith("refs")):
                yield from _texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _texts(value)
    elif isinstance(node, str):
        yield node


def readability(texts: list[str], language: str) -> dict[str, float]:
    """Per-passage scores summarised (mean, and the worst passage) for ``language`` ("en" or
    "es"). English: Flesch-Kincaid grade (lower is easier); Spanish: Fernández-Huerta and
    Szigriszt-Pazos (higher is easier)."""
    import textstat  # only the report and the tests measure

    texts = [t for t in texts if words(t) >= 3]
    if not texts:
        return {}
    try:
        if language == "es":
            textstat.set_lang("es")
            fh = [textstat.fernandez_huerta(t) for t in texts]
            sp = [textstat.szigriszt_pazos(t) for t in texts]
            return {"fernandez_huerta_mean": statistics.fmean(fh), "fernandez_huerta_min": min(fh),
                    "szigriszt_pazos_mean": statistics.fmean(sp), "szigriszt_pazos_min": min(sp)}
        fk = [textstat.flesch_kincaid_grade(t) for t in texts]
        return {"fk_grade_mean": statistics.fmean(fk), "fk_grade_max": max(fk)}
    finally:
        textstat.set_lang(TEXTSTAT_DEFAULT)  # textstat's own default: its English syllables


TEXTSTAT_DEFAULT = "en_US"
"""textstat's language when a process starts (the English readability tests' syllable counts);
``set_lang("en")`` would load another hyphenation dictionary and change English grades."""


@dataclass
class LocaleReport:
    """What one locale holds and how it reads."""

    code: str
    name: str
    status: str
    chain: tuple[str, ...]
    overrides: dict[str, int] = field(default_factory=dict)   # file -> keys it overrides
    own_words: int = 0                                          # words in its own folder
    patient_words: int = 0                                      # words a patient reads
    fallen_back: dict[str, list[str]] = field(default_factory=dict)  # file -> keys not its own
    readability: dict[str, float] = field(default_factory=dict)


def report(code: str) -> LocaleReport:
    """The report of locale ``code`` (a key of ``assets/locales.yaml``)."""
    info = strings.locales()[code]
    out = LocaleReport(code, info.name, info.status, info.chain)
    for rel, keys in strings.overrides(code).items():
        out.overrides[rel] = len(keys)
    for rel in strings.base_files():
        mine = strings.own(rel, code)
        if mine is not None:
            out.own_words += words(mine) if isinstance(mine, str) else sum(
                words(t) for t in _texts(mine))
        if code != strings.paths.BASE_LOCALE:
            own = set(strings.word_keys(rel, code))
            missing = [k for k in strings.word_keys(rel) if k not in own]
            if missing:
                out.fallen_back[rel] = missing
    previous = strings.current()
    try:
        strings.use(code)
        shown = [p.text for p in walkthrough.passages("patient")]
    finally:
        strings.use(previous)
    out.patient_words = sum(words(t) for t in shown)
    out.readability = readability(shown, "es" if code.startswith("es") else "en")
    return out


def format_report(r: LocaleReport, keys: bool = False) -> str:
    """The report as plain text lines."""
    lines = [f"{r.code} — {r.name} — status {r.status} — chain {' → '.join(r.chain)}",
             f"  words in its own folder: {r.own_words}; patient passages as shown: "
             f"{r.patient_words} words"]
    if r.overrides:
        total = sum(r.overrides.values())
        lines.append(f"  overrides: {total} key(s) in {len(r.overrides)} file(s)")
        lines += [f"    {rel}: {n}" for rel, n in r.overrides.items()]
    if r.fallen_back:
        total = sum(len(v) for v in r.fallen_back.values())
        lines.append(f"  falls back on {total} key(s) in {len(r.fallen_back)} file(s)")
        for rel, missing in r.fallen_back.items():
            lines.append(f"    {rel}: {len(missing)}")
            if keys:
                lines += [f"      {k}" for k in missing]
    lines += [f"  {name.replace('_', ' ')}: {value:.1f}" for name, value in r.readability.items()]
    return "\n".join(lines)


def add_parser(sub) -> argparse.ArgumentParser:
    """Register the ``locale-report`` subcommand on the console command's subparsers."""
    p = sub.add_parser("locale-report",
                       help="each locale's overrides, word counts, fallbacks and readability")
    p.add_argument("locale", nargs="?", default=None, help="one locale (default: every one)")
    p.add_argument("--keys", action="store_true", help="list every fallen-back key")
    return p


def run(args: argparse.Namespace) -> int:
    """The subcommand: print the report; 2 (with a message) for an unknown locale."""
    known = strings.locales()
    if args.locale is not None and args.locale not in known:
        print(f"no locale {args.locale!r}; locales: {', '.join(known)}")
        return 2
    for code in [args.locale] if args.locale else list(known):
        print(format_report(report(code), args.keys))
    return 0
