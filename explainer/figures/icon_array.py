"""Icon arrays: a frequency drawn as people, filled and empty, with the numbers in words.

IPDAS asks for absolute numbers with the same denominator and icon arrays, never a relative
risk alone (Stacey & Volk 2021). Each group of an :class:`~explainer.content.icon_arrays.IconArray`
is drawn as ``of`` small person icons, ``count`` of them filled (Okabe–Ito blue) and the rest
empty (white with a blue outline): filled versus hollow is the cue, never colour alone. The text
alternative (``explainer.content.icon_arrays.describe``) is built from the same numbers, shown
under the picture and used as each SVG's label.

    from explainer.content import icon_arrays
    from explainer.figures import icon_array
    a = icon_arrays.after("s7-common")[0]
    icon_arrays.describe(a)    # "Odd, spaced-out feelings ... 76 out of 100 had these feelings ..."
    icon_array.html(a, strings.text("ui", "formats.icon_count"))
    # <figure> with one SVG per group, a key and the words (the caller gives the template)
"""

from __future__ import annotations

from html import escape

from explainer.content.icon_arrays import Group, IconArray, describe, group_sentence
from explainer.figures import palette as pal
from explainer.figures import svg

__all__ = ["CELL_H", "CELL_W", "EMPTY_FILL", "FILLED", "columns", "html", "icon", "svg_group"]

CELL_W, CELL_H = 22, 30
"""One person icon's cell, in px at full size (the SVG scales down on narrow screens)."""
SMALL_GROUP, SMALL_GROUP_ZOOM = 20, 1.6
"""Groups of up to 20 people are drawn larger, so a few people read as people, not dots."""
FILLED = pal.OKABE_ITO["blue"]
EMPTY_FILL = "#ffffff"


def columns(n: int) -> int:
    """Icons per row: 10 for big groups, fewer for small ones so they stay in one or two rows."""
    if n >= 20:
        return 10
    return 8 if n > 10 else n


def icon(x: float, y: float, filled: bool, scale: float = 1.0) -> str:
    """One person: a round head over rounded shoulders, filled or hollow."""
    fill = FILLED if filled else EMPTY_FILL
    s = scale
    return svg.group([
        svg.circle(x + 11 * s, y + 7 * s, 5 * s, fill=fill, stroke=FILLED, stroke_width=1.6),
        svg.rect(x + 4 * s, y + 14 * s, 14 * s, 13 * s, rx=6 * s, fill=fill, stroke=FILLED,
                 stroke_width=1.6),
    ], class_="kx-icon-filled" if filled else "kx-icon-empty")


def svg_group(a: IconArray, g: Group, index: int = 0) -> str:
    """One group's icons as an SVG that scales with its box (labelled with its sentence). Each
    icon is drawn once in <defs> and placed with <use>, so 100 people stay a few kilobytes."""
    cols = columns(g.of)
    rows = -(-g.of // cols)
    ids = {True: f"kx-{a.id}-{index}-filled", False: f"kx-{a.id}-{index}-empty"}
    defs = svg.element("defs", [svg.element("g", icon(0, 0, k), id=v) for k, v in ids.items()])
    icons = [svg.element("use", href=f"#{ids[i < g.count]}", x=(i % cols) * CELL_W,
                         y=(i // cols) * CELL_H) for i in range(g.of)]
    w, h = cols * CELL_W, rows * CELL_H
    zoom = SMALL_GROUP_ZOOM if g.of <= SMALL_GROUP else 1.0
    return svg.element("svg", [svg.element("title", escape(group_sentence(a, g))), defs, *icons],
                       xmlns="http://www.w3.org/2000/svg", viewBox=f"0 0 {w} {h}",
                       width=round(w * zoom), height=round(h * zoom), role="img",
                       aria_label=group_sentence(a, g),
                       class_="kx-icon-array-svg")


def _key_icon(filled: bool) -> str:
    return svg.element("svg", [icon(0, 0, filled, scale=0.7)], xmlns="http://www.w3.org/2000/svg",
                       viewBox="0 0 16 21", width=16, height=21, aria_hidden="true",
                       focusable="false")


def html(a: IconArray, icon_count: str) -> str:
    """The whole figure: title, one labelled picture per group, a key, and the words.
    `icon_count` is the group label's template (`ui.formats.icon_count`: {label}, {count},
    {of}), given by the caller: figures receive their words."""
    groups = "".join(
        f'<div class="kx-icon-array-group"><p class="kx-icon-array-label">'
        f"{escape(icon_count.format(label=g.label, count=g.count, of=g.of))}</p>"
        f"{svg_group(a, g, i)}</div>"
        for i, g in enumerate(a.groups))
    key = (f'<p class="kx-icon-array-key"><span>{_key_icon(True)} {escape(a.filled)}</span>'
           f'<span>{_key_icon(False)} {escape(a.empty)}</span></p>')
    return (f'<figure class="kx-icon-array" data-icon-array="{escape(a.id)}">'
            f'<figcaption class="kx-icon-array-title">{escape(a.title)}</figcaption>'
            f'<div class="kx-icon-array-groups">{groups}</div>{key}'
            f'<p class="kx-icon-array-text">{escape(describe(a))}</p></figure>')
