"""Ketamine for chronic pain: an interactive, cited explainer (models, content, figures, widgets)."""

__version__ = "0.1.0"
