"""`FigureView`: a `Scene` on the page: PNG background, SVG overlay, and its live description.

The background is sent to the browser once; an update replaces only the small SVG overlay and
the description text. The description is the figure's text alternative: the page template
marks it as a polite live region so screen readers announce changes.
"""

from __future__ import annotations

import ipywidgets as widgets

from explainer.figures.scene import Scene


class FigureView(widgets.VBox):
    """Stacks `scene`'s background and overlay in one box, with a describer underneath."""

    def __init__(self, scene: Scene, label: str, **kwargs):
        self.scene = scene
        self.background = widgets.Image(value=scene.background_png(), format="png")
        self.background.add_class("kx-figure-background")
        self.overlay = widgets.HTML("")
        self.overlay.add_class("kx-figure-overlay")
        stack = widgets.Box([self.background, self.overlay])
        stack.add_class("kx-figure")
        self.describer = widgets.HTML("")
        self.describer.add_class("kx-describer")
        self.label = label
        super().__init__([stack, self.describer], **kwargs)
        self.add_class("kx-figure-view")

    def show(self, overlay_elements: list[str], description_html: str) -> None:
        """Replace the moving parts and the words that describe them (skips unchanged values)."""
        svg_text = self.scene.svg(overlay_elements, self.label)
        if svg_text != self.overlay.value:
            self.overlay.value = svg_text
        if description_html != self.describer.value:
            self.describer.value = description_html

    def set_scene(self, scene: Scene) -> None:
        """Show another still background (e.g. a different time axis); a no-op if unchanged."""
        if scene is not self.scene:
            self.scene = scene
            self.background.value = scene.background_png()
