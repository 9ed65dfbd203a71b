"""Figures: matplotlib backgrounds drawn once, light SVG overlays for the parts that move."""
