"""Figures' moving parts drawn in the browser (issue 15): `model` (anywidget's model,
declared without its Python package), `overlay` (the overlays and their JavaScript), `packs`
(the frames they draw, from the kernel's own drawing functions) and `attach` (the overlay on a
widget's figure, linked to its controls in the page); and `nearby`, the mark that tells the
kernel when a part of the page comes near the screen (issue 26: `explainer.widgets.deferred`)."""
