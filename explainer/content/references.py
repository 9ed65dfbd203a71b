"""The references registry (``assets/references.yaml``): one entry per source, keyed.

    from explainer.content import references, reference
    reference("orhurhu2019").format()   # one-line citation
    references()["cohen2018"].confidence  # "M"
    references()["cohen2018"].checked     # ("summary",): how it was checked for this guide
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from explainer.content._assets import ContentError, assets_dir, read_yaml
from explainer.content._validate import key_problems, text_value

__all__ = ["CHECKED", "CONFIDENCE", "Reference", "format_refs", "reference", "references"]

CONFIDENCE = {"H": "primary paper, abstract or label", "M": "reliable secondary copy"}
"""Confidence grades used in the registry (see clinical-facts.md); L-grade sources are not used."""

CHECKED = {
    "full text": "the whole paper or document was read",
    "abstract": "the official abstract",
    "drug label": "the product label or prescribing information",
    "leaflet": "a published patient leaflet or patient information page",
    "summary": "seen through a guideline summary, a review or another paper, not the source itself",
    "code": "open-source code that carries the numbers and cites the source",
    "computed": "arithmetic from a formula",
    "not read": "cited as the usual source, but not seen for this guide",
}
"""How a registry entry was checked (its ``checked`` field lists one or more of these)."""

_REQUIRED = {"citation", "confidence", "checked", "supports"}
_OPTIONAL = {"year", "pmid", "pmc", "doi", "note", "kind"}


@dataclass(frozen=True)
class Reference:
    """One source. ``kind == "example"`` marks practice examples rather than evidence."""

    key: str
    citation: str
    confidence: str
    year: int | None = None
    pmid: str | None = None
    pmc: str | None = None
    doi: str | None = None
    note: str | None = None
    kind: str | None = None
    checked: tuple[str, ...] = ()
    supports: str = ""

    @property
    def is_example(self) -> bool:
        """True for entries that describe typical practice, not evidence."""
        return self.kind == "example"

    def format(self, confidence: bool = False) -> str:
        """A one-line citation, with identifiers that the citation text does not already name.

        With ``confidence=True`` the grade is appended, e.g. "… [confidence M]".
        """
        text = self.citation.strip()
        if not text.endswith("."):
            text += "."
        extras = []
        if self.pmid and self.pmid not in text:
            extras.append(f"PMID {self.pmid}.")
        if self.pmc and self.pmc not in text:
            extras.append(f"{self.pmc}.")
        if self.doi and self.doi not in text:
            extras.append(f"doi:{self.doi}.")
        if confidence:
            extras.append(f"[confidence {self.confidence}]")
        return " ".join([text, *extras])


def _parse(path: Path) -> Mapping[str, Reference]:
    data = read_yaml(path)
    if not isinstance(data, dict) or not data:
        raise ContentError(f"{path}: must be a non-empty mapping of reference keys")
    problems: list[str] = []
    out: dict[str, Reference] = {}
    for key, entry in data.items():
        where = f"{path.name}: {key!r}"
        if not isinstance(key, str) or not key:
            problems.append(f"{where}: keys must be non-empty strings")
            continue
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be a mapping")
            continue
        missing, unknown = key_problems(entry, _REQUIRED, _OPTIONAL)
        if missing:
            problems.append(f"{where}: missing {', '.join(missing)}")
        if unknown:
            problems.append(f"{where}: unknown field(s) {', '.join(unknown)}")
        if missing or unknown:
            continue
        if entry["confidence"] not in CONFIDENCE:
            problems.append(f"{where}: confidence must be one of {', '.join(CONFIDENCE)}")
            continue
        checked = entry["checked"]
        if (not isinstance(checked, list) or not checked
                or not all(isinstance(c, str) and c in CHECKED for c in checked)):
            problems.append(f"{where}: checked must list one or more of {', '.join(CHECKED)}")
            continue
        supports = text_value(entry["supports"])
        if supports is None:
            problems.append(f"{where}: supports must say what the source is cited for")
            continue
        out[key] = Reference(
            key=key,
            citation=str(entry["citation"]),
            confidence=str(entry["confidence"]),
            year=int(entry["year"]) if entry.get("year") is not None else None,
            **{f: (str(entry[f]) if entry.get(f) is not None else None)
               for f in ("pmid", "pmc", "doi", "note", "kind")},
            checked=tuple(checked),
            supports=supports,
        )
    if problems:
        raise ContentError("references registry:\n  " + "\n  ".join(problems))
    return MappingProxyType(out)


@lru_cache(maxsize=4)
def _load(path: Path) -> Mapping[str, Reference]:
    return _parse(path)


def references() -> Mapping[str, Reference]:
    """The whole registry, key -> :class:`Reference`, in file order (read-only, cached)."""
    return _load(assets_dir() / "references.yaml")


def reference(key: str) -> Reference:
    """One entry; raises ``KeyError`` naming the key if it is not in the registry."""
    try:
        return references()[key]
    except KeyError:
        raise KeyError(f"unknown reference key {key!r}") from None


def format_refs(keys: Iterable[str], confidence: bool = False) -> list[str]:
    """One-line citations for ``keys``, in order, without repeats."""
    seen: dict[str, None] = dict.fromkeys(keys)
    return [reference(k).format(confidence=confidence) for k in seen]
