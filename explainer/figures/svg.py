"""Tiny SVG element builders for figure overlays (strings in, strings out; all text escaped)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape


def _attrs(**attrs) -> str:
    parts = []
    for name, value in attrs.items():
        if value is None or value is False:
            continue
        key = name.rstrip("_").replace("_", "-")
        if isinstance(value, float):
            value = f"{value:.1f}"
        parts.append(f'{key}="{escape(str(value), quote=True)}"')
    return " ".join(parts)


def element(tag: str, children: Iterable[str] | str = (), **attrs) -> str:
    """Any SVG element; children are already-built strings."""
    inner = children if isinstance(children, str) else "".join(children)
    head = f"<{tag} {_attrs(**attrs)}".rstrip()
    return f"{head}>{inner}</{tag}>" if inner else f"{head}/>"


def group(children: Iterable[str], **attrs) -> str:
    """A `<g>` holding children (ids, classes, opacity and transforms go on the group)."""
    return element("g", list(children), **attrs)


def rect(x: float, y: float, w: float, h: float, **attrs) -> str:
    return element("rect", x=float(x), y=float(y), width=float(max(w, 0)), height=float(max(h, 0)),
                   **attrs)


def circle(cx: float, cy: float, r: float, **attrs) -> str:
    return element("circle", cx=float(cx), cy=float(cy), r=float(r), **attrs)


def line(x1: float, y1: float, x2: float, y2: float, **attrs) -> str:
    return element("line", x1=float(x1), y1=float(y1), x2=float(x2), y2=float(y2), **attrs)


def polyline(xs: Sequence[float], ys: Sequence[float], **attrs) -> str:
    """A polyline through pixel points (rounded to 0.1 px to keep the string short)."""
    pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))
    return element("polyline", points=pts, fill=attrs.pop("fill", "none"), **attrs)


def polygon(xs: Sequence[float], ys: Sequence[float], **attrs) -> str:
    pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))
    return element("polygon", points=pts, **attrs)


def text(x: float, y: float, content: str, size: float = 15, **attrs) -> str:
    """Text in the figure's font; `content` is escaped."""
    attrs.setdefault("font_family", "DejaVu Sans, Arial, sans-serif")
    attrs.setdefault("fill", "#1a1a1a")
    return element("text", escape(content), x=float(x), y=float(y), font_size=float(size), **attrs)


def document(width: float, height: float, children: Iterable[str], label: str) -> str:
    """A whole overlay: scales with its box, same viewBox as the figure's pixels."""
    body = [element("title", escape(label)), *children]
    return element(
        "svg",
        body,
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {width:.0f} {height:.0f}",
        preserveAspectRatio="xMidYMid meet",
        role="img",
        aria_label=label,
        class_="kx-overlay",
    )


def layer_document(children: Iterable[str], width: float, height: float) -> str:
    """A second, decorative overlay layer in the same pixels as `document` (aria-hidden: the
    figure's label and the describer carry the words). A view keeps what moves most in it (the
    session view's time cursor), so an update sends about 1 KB instead of the whole overlay."""
    return element("svg", list(children), xmlns="http://www.w3.org/2000/svg",
                   viewBox=f"0 0 {width:.0f} {height:.0f}",
                   preserveAspectRatio="xMidYMid meet", aria_hidden="true",
                   focusable="false", class_="kx-overlay kx-overlay-layer")
