"""`FigureView`: a `Scene` on the page: PNG background, SVG overlay, and its live description.

The background is sent to the browser once: by URL when the server serves it as a static file
(`explainer.serving.backgrounds`, which tells its kernels where through
`$KETAMINE_EXPLAINER_BACKGROUNDS_URL`), else as the PNG itself in the widget state. An update
replaces only the small SVG overlay and the description text. The description is the figure's
text alternative: the page template marks it as a polite live region so screen readers announce
changes, unless the view is made with ``live=False`` (class ``kx-describer-quiet``: a widget
that announces for itself, such as the pain-signal diagram during Play).

    view = FigureView(scene, "The pain signal")
    view.show(overlay_elements, "<p>…</p>")     # the moving parts and their words
    view.add_layer(cursor_layer, under_overlay=True)   # another overlay on the same stack
    view.set_control(slider)                    # a control between the picture and its words

Other widgets add layers and controls through these methods, never by rearranging `children`.
"""

from __future__ import annotations

import os

import ipywidgets as widgets

from explainer.figures.scene import Scene
from explainer.paths import BACKGROUNDS_URL_ENV_VAR
from explainer.widgets.syncing import already_shown


def background_image(scene: Scene) -> dict:
    """The `Image` traits showing `scene`'s background: its URL on the server's static route
    (the browser caches it; no buffer in the widget state), or the PNG when there is no such
    route (JupyterLab) or the PNG is not in the cache folder the route serves.

    The layout size goes with it as the image's width and height attributes: the browser
    takes the picture's shape from them, so the figure (and the overlays sized to it) has its
    height before the PNG has arrived, and nothing below it jumps when it does."""
    size = {"width": f"{scene.width_px:g}", "height": f"{scene.height_px:g}"}
    prefix = os.environ.get(BACKGROUNDS_URL_ENV_VAR, "")
    digest = scene.background_digest() if prefix else None
    if digest:
        return {"value": f"{prefix}{digest}.png".encode(), "format": "url", **size}
    return {"value": scene.background_png(), "format": "png", **size}


def overlay_layer(*classes: str) -> widgets.HTML:
    """An empty overlay layer (class kx-figure-overlay plus `classes`) for `add_layer`."""
    layer = widgets.HTML("")
    for name in ("kx-figure-overlay", *classes):
        layer.add_class(name)
    return layer


class FigureView(widgets.VBox):
    """Stacks `scene`'s background and overlay in one box, with a describer underneath.

    Named parts: background (Image), overlay (HTML), stack (the box holding them and any added
    layers), control (the widget set by `set_control`, or None), describer (HTML)."""

    def __init__(self, scene: Scene, label: str, *, live: bool = True, **kwargs):
        self.scene = scene
        self.background = widgets.Image(**background_image(scene))
        self.background.add_class("kx-figure-background")
        self.overlay = overlay_layer()
        self.stack = widgets.Box([self.background, self.overlay])
        self.stack.add_class("kx-figure")
        self.describer = widgets.HTML("")
        self.describer.add_class("kx-describer")
        if not live:
            self.describer.add_class("kx-describer-quiet")
        self.label = label
        self.control: widgets.Widget | None = None
        super().__init__([self.stack, self.describer], **kwargs)
        self.add_class("kx-figure-view")

    def show(self, overlay_elements: list[str], description_html: str, *,
             in_page: bool = False) -> None:
        """Replace the moving parts and the words that describe them (skips unchanged values;
        `in_page`: see `show_description`)."""
        self.show_overlay(self.scene.svg(overlay_elements, self.label))
        self.show_description(description_html, in_page=in_page)

    def show_overlay(self, svg_text: str) -> None:
        """Set the main overlay's SVG document (skipped if unchanged)."""
        if svg_text != self.overlay.value:
            self.overlay.value = svg_text

    def show_description(self, description_html: str, *, in_page: bool = False) -> None:
        """Set the live description (skipped if unchanged). `in_page`: the page has written
        these words itself (a browser-drawn overlay's pack, issue 26), so they are recorded
        here and not sent again."""
        if in_page:
            already_shown(self.describer, "value", description_html)
        elif description_html != self.describer.value:
            self.describer.value = description_html

    def set_scene(self, scene: Scene) -> None:
        """Show another still background (e.g. a different time axis); a no-op if unchanged."""
        if scene is not self.scene:
            self.scene = scene
            shown = background_image(scene)
            with self.background.hold_sync():
                for name, value in shown.items():
                    setattr(self.background, name, value)

    def add_layer(self, layer: widgets.Widget, *, under_overlay: bool = False) -> None:
        """Put another overlay layer on the stack: on top of everything, or (`under_overlay`)
        between the background and the main overlay."""
        parts = list(self.stack.children)
        parts.insert(1 if under_overlay else len(parts), layer)
        self.stack.children = tuple(parts)

    def set_control(self, control: widgets.Widget | None) -> widgets.Widget | None:
        """Show `control` between the picture and its description (None removes it); returns
        the control it replaces, which the caller may close."""
        old, self.control = self.control, control
        middle = () if control is None else (control,)
        self.children = (self.stack, *middle, self.describer)
        return old
