"""Ketamine for chronic pain: a cited explainer (models, content, figures, widgets)."""

__version__ = "0.1.0"
