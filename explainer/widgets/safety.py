"""Callbacks that fail show a short friendly message in place and are logged on the server.

Viewers never see a traceback: the log goes to the kernel process's own stderr (the server's
log), not to the page.
"""

from __future__ import annotations

import functools
import logging
import sys

import ipywidgets as widgets

from explainer.content import strings

FRIENDLY_ERROR = strings.text("ui", "errors.friendly")
"""The friendly message as loaded at import (tests compare with it)."""

_log = logging.getLogger("explainer")
if not _log.handlers:
    _handler = logging.StreamHandler(sys.__stderr__)  # the process's stderr, not the page
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    _log.addHandler(_handler)
    _log.setLevel(logging.INFO)
    _log.propagate = False


def error_message() -> widgets.HTML:
    """An initially hidden place for the friendly message."""
    box = widgets.HTML("", layout=widgets.Layout(display="none"))
    box.add_class("kx-error-slot")
    return box


class _Round:
    """Callbacks nest (a button sets a trait whose observers run, and so on): only the
    outermost one decides whether the message clears, and not if anything inside it failed.
    Widgets run in one kernel thread, so one counter serves every guard."""

    depth = 0
    failed = False


class CallbackGuard:
    """Wraps callbacks so a failure is logged on the server and `slot` shows `FRIENDLY_ERROR`.

        guard = CallbackGuard(error_message())
        button.on_click(guard(handler)); state.observe(guard(on_change), names="step")

    A widget tree shares one guard (one message slot); the page stays usable after a failure.
    """

    def __init__(self, slot: widgets.HTML | None = None):
        self.slot = slot if slot is not None else error_message()

    def __call__(self, func):
        @functools.wraps(func)
        def run(*args, **kwargs):
            if _Round.depth == 0:
                _Round.failed = False
            _Round.depth += 1
            try:
                result = func(*args, **kwargs)
            except Exception:
                _Round.failed = True
                _log.exception("callback %s failed", getattr(func, "__qualname__", func))
                friendly = strings.text("ui", "errors.friendly")
                self.slot.value = f'<div class="kx-error" role="alert">{friendly}</div>'
                self.slot.layout.display = None
                return None
            finally:
                _Round.depth -= 1
            if _Round.depth == 0 and not _Round.failed and self.slot.layout.display != "none":
                self.slot.value, self.slot.layout.display = "", "none"
            return result

        return run


def safe_callback(slot: widgets.HTML | None = None) -> CallbackGuard:
    """Decorator form of `CallbackGuard`: `@safe_callback(slot)`."""
    return CallbackGuard(slot)
