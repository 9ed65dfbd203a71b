"""Frames for the browser: every state of an overlay, precomputed by the kernel's own drawing
functions and packed small, so the page can draw any of them with no round trip.

The browser must draw exactly what the kernel would (issue 15: one source of truth, no
coordinates typed twice). So nothing here knows where a part sits: `FramePack.add(svg_text)`
takes a whole overlay document as `diagram_overlay` / `session_cursor` build it, cuts it into
its parts (elements two levels down), and stores each distinct part once, as a *skeleton* (the
text between its numbers, shared by parts that differ only in numbers) plus its numbers. A
state is then a list of part ids. The page rebuilds a state's document by joining those parts,
which gives back the kernel's SVG text character for character (`FramePack.document(i)` does
the same in Python, and the tests compare the two).

    pack = FramePack()
    i = pack.add(scene.svg(diagram_overlay(frame), label))   # -> state index
    data = pack.to_json()                                     # {"skeletons", "parts", "states"}

The words that describe each state (issue 26) are packed the same way, cut into clauses instead
of SVG parts (`split_clauses`), so a sentence many states share is sent once:

    words = FramePack(split=split_clauses)
    j = words.add(describer_html(conc, pattern, k, mode))
"""

from __future__ import annotations

import re

__all__ = ["FramePack", "document", "split_clauses", "split_parts"]

_TAG = re.compile(r"<(/?)([A-Za-z][\w:-]*)[^>]*?(/?)>")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_CLAUSE_END = re.compile(r"(?<=[.!?;] )(?=\S)|(?<=>)(?=<)")
"""Where escaped HTML text is cut: after a sentence's or a clause's end and its space, and
between two tags (a paragraph's end and the next one's start)."""


def split_clauses(html: str) -> list[str]:
    """Safe HTML as a run of clauses (`'<p>Pinch 3 of 16: … weak. '`, `'At a low level, …
    less.</p>'`, `'<p class="kx-numbers-line">Model: …; '`, …); joining the pieces gives
    `html` back.

    Only for the project's own escaped HTML (the describers'): every `<` starts a tag."""
    return [piece for piece in _CLAUSE_END.split(html) if piece]


def split_parts(svg_text: str, depth: int = 2) -> list[str]:
    """The document as a flat run of pieces: the open and close tags of containers above
    `depth`, and whole elements at `depth` (or leaves above it, such as `<title>`). Joining
    the pieces gives `svg_text` back.

    Only for the project's own SVG (`explainer.figures.svg`): text is escaped, so every `<`
    starts a tag, and nothing stands between a container's children."""
    root = _Node(0, 0)
    stack = [root]
    for m in _TAG.finditer(svg_text):
        if m.group(1):                                   # </tag>
            node = stack.pop()
            node.close, node.end = m.start(), m.end()
            continue
        node = _Node(m.start(), m.end())
        stack[-1].children.append(node)
        if m.group(3):                                   # <tag/>
            node.close = node.end = m.end()
        else:
            stack.append(node)
    if len(stack) != 1:
        raise ValueError("unbalanced SVG")
    pieces: list[str] = []
    for child in root.children:
        _flatten(svg_text, child, 0, depth, pieces)
    if "".join(pieces) != svg_text:
        raise ValueError("not an SVG document made by explainer.figures.svg")
    return pieces


class _Node:
    __slots__ = ("start", "open_end", "close", "end", "children")

    def __init__(self, start: int, open_end: int):
        self.start, self.open_end = start, open_end
        self.close = self.end = -1
        self.children: list[_Node] = []


def _flatten(text: str, node: _Node, level: int, depth: int, out: list[str]) -> None:
    if level >= depth or not node.children:
        out.append(text[node.start:node.end])
        return
    out.append(text[node.start:node.open_end])
    for child in node.children:
        _flatten(text, child, level + 1, depth, out)
    out.append(text[node.close:node.end])


class FramePack:
    """Distinct parts of many overlay documents, each stored once; a state is a list of ids.
    `split` cuts a document into parts (default: `split_parts` at `depth`).

    A part is stored as a skeleton id and its numbers (kept as the exact strings the kernel
    wrote); skeletons are the parts' text with the numbers cut out."""

    def __init__(self, depth: int = 2, split=None):
        self.depth = depth
        self._split = split or (lambda text: split_parts(text, depth))
        self.skeletons: list[list[str]] = []
        self.parts: list[list] = []
        self.states: list[list[int]] = []
        self._skeleton_ids: dict[tuple[str, ...], int] = {}
        self._part_ids: dict[str, int] = {}
        self._state_ids: dict[tuple[int, ...], int] = {}

    def _part(self, piece: str) -> int:
        found = self._part_ids.get(piece)
        if found is not None:
            return found
        skeleton = tuple(_NUMBER.split(piece))
        sid = self._skeleton_ids.setdefault(skeleton, len(self.skeletons))
        if sid == len(self.skeletons):
            self.skeletons.append(list(skeleton))
        self.parts.append([sid, *_NUMBER.findall(piece)])
        self._part_ids[piece] = len(self.parts) - 1
        return len(self.parts) - 1

    def add(self, svg_text: str) -> int:
        """Store one document; returns its state index (equal documents share one)."""
        ids = tuple(self._part(p) for p in self._split(svg_text))
        found = self._state_ids.get(ids)
        if found is None:
            found = self._state_ids[ids] = len(self.states)
            self.states.append(list(ids))
        return found

    def to_json(self) -> dict:
        """The pack as JSON-ready lists. Numbers that are the same in every part of a skeleton
        are folded into the skeleton's text, so a part carries only what varies."""
        by_skeleton: dict[int, list[list[str]]] = {}
        for sid, *numbers in self.parts:
            by_skeleton.setdefault(sid, []).append(numbers)
        skeletons, varying = [], []
        for sid, skeleton in enumerate(self.skeletons):
            rows = by_skeleton.get(sid, [])
            keep = [j for j in range(len(skeleton) - 1) if len({r[j] for r in rows}) > 1]
            folded, text = [], skeleton[0]
            for j in range(len(skeleton) - 1):
                if j in keep:
                    folded.append(text)
                    text = skeleton[j + 1]
                else:
                    text += rows[0][j] + skeleton[j + 1]
            folded.append(text)
            skeletons.append(folded)
            varying.append(keep)
        parts = [[sid, *[numbers[j] for j in varying[sid]]] for sid, *numbers in self.parts]
        return {"skeletons": skeletons, "parts": parts, "states": self.states}


def document(pack: dict, state: int) -> str:
    """A state's document from a packed `to_json()`, rebuilt exactly as the page rebuilds it
    (overlay.js, `documentOf`)."""
    out = []
    for pid in pack["states"][state]:
        sid, *numbers = pack["parts"][pid]
        skeleton = pack["skeletons"][sid]
        out.append(skeleton[0])
        for number, after in zip(numbers, skeleton[1:], strict=True):
            out += [number, after]
    return "".join(out)
