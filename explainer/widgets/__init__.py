"""Widgets: one state object per widget, controls that write to it, views that observe it."""
