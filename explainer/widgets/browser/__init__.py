"""Figures' moving parts drawn in the browser (issue 15): `overlay` (the anywidget models and
their JavaScript) and `packs` (the frames they draw, from the kernel's own drawing functions)."""
