"""Icon-array data (``assets/en-GB/content/icon_arrays.yaml``): frequencies shown as people.

Each array names the walkthrough passage it follows (``after``), a title, what a filled and an
empty icon mean, one or more groups (``label``, ``count`` filled out of ``of``), whether it is
one small study, an optional note, and its reference keys. Checked on load: counts are whole
numbers from 0 to ``of``, ``of`` is 1–100, the passage exists, the keys resolve.

    from explainer.content import icon_arrays
    icon_arrays.after("s7-common")    # the arrays shown after that passage
    icon_arrays.describe(a)           # the text alternative, built from the numbers
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from explainer.content import strings
from explainer.content._assets import ContentError, assets_dir
from explainer.content.references import _load as _load_references
from explainer.content.walkthrough.passages import passages

__all__ = ["FILE", "Group", "IconArray", "after", "arrays", "describe", "group_sentence"]

FILE = "content/icon_arrays.yaml"
MAX_ICONS = 100
_KEYS = {"id", "after", "title", "filled", "empty", "groups", "small_study", "note", "refs"}


@dataclass(frozen=True)
class Group:
    label: str
    count: int
    of: int


@dataclass(frozen=True)
class IconArray:
    id: str
    after: str
    title: str
    filled: str
    empty: str
    groups: tuple[Group, ...]
    small_study: bool
    note: str
    refs: tuple[str, ...]


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _parse(root: Path, locale: str) -> tuple[IconArray, ...]:
    path = strings.source(FILE, root)
    data = strings.load(FILE, locale, root)
    if (not isinstance(data, dict) or set(data) != {"arrays"}
            or not isinstance(data["arrays"], list)):
        raise ContentError(f"{path}: must be a mapping with an `arrays` list")
    known = _load_references(root / "references.yaml")
    passage_ids = {p.id for p in passages("trainee")}
    problems: list[str] = []
    out: list[IconArray] = []
    for i, item in enumerate(data["arrays"]):
        where = f"{path.name}: array {i + 1}"
        if not isinstance(item, dict) or set(item) != _KEYS:
            problems.append(f"{where}: must have exactly {', '.join(sorted(_KEYS))}")
            continue
        where = f"{path.name}: {item['id']}"
        if item["after"] not in passage_ids:
            problems.append(f"{where}: no passage {item['after']!r} to follow")
        refs = item["refs"]
        if not isinstance(refs, list) or not refs or any(r not in known for r in refs):
            problems.append(f"{where}: refs must be known reference keys")
            refs = []
        groups = []
        for g in item["groups"] if isinstance(item["groups"], list) else []:
            ok = (isinstance(g, dict) and set(g) == {"label", "count", "of"}
                  and _whole(g["count"]) and _whole(g["of"]) and 1 <= g["of"] <= MAX_ICONS
                  and 0 <= g["count"] <= g["of"] and isinstance(g["label"], str))
            if not ok:
                problems.append(f"{where}: each group needs a label and whole numbers "
                                f"0 <= count <= of <= {MAX_ICONS}")
                continue
            groups.append(Group(g["label"], g["count"], g["of"]))
        if not groups:
            problems.append(f"{where}: needs at least one group")
        if item["small_study"] not in (True, False):
            problems.append(f"{where}: small_study must be true or false")
        out.append(IconArray(str(item["id"]), str(item["after"]), str(item["title"]),
                             str(item["filled"]), str(item["empty"]), tuple(groups),
                             bool(item["small_study"]), str(item["note"] or ""), tuple(refs)))
    if problems:
        raise ContentError("icon arrays:\n  " + "\n  ".join(problems))
    return tuple(out)


@lru_cache(maxsize=4)
def _arrays_at(root: Path, locale: str) -> tuple[IconArray, ...]:
    return _parse(root, locale)


def arrays() -> tuple[IconArray, ...]:
    """Every icon array, in file order (cached)."""
    return _arrays_at(assets_dir(), strings.current())


def after(passage_id: str) -> tuple[IconArray, ...]:
    """The arrays shown after one passage."""
    return tuple(a for a in arrays() if a.after == passage_id)


def group_sentence(a: IconArray, g: Group) -> str:
    """"People on ketamine: 76 out of 100 had these feelings, and 24 did not." """
    return strings.text("ui", "icon_array.group").format(
        label=g.label, count=g.count, of=g.of, filled=a.filled, rest=g.of - g.count, empty=a.empty)


def describe(a: IconArray) -> str:
    """The text alternative: the title, "in one small study of N people" where it is one, and
    each group's numbers with the same denominator as the picture."""
    head = a.title
    if a.small_study:
        head = strings.text("ui", "icon_array.small_study").format(
            title=head, people=sum(g.of for g in a.groups))
    parts = [head + ".", *(group_sentence(a, g) for g in a.groups)]
    if a.note:
        parts.append(a.note)
    return " ".join(parts)
