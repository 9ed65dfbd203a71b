"""Widgets: one state object per widget, controls that write to it, views that observe it.

Importing this package puts `inbound`'s gate in front of every widget of the kernel, so no
message from a page can set what its control could not.
"""

from explainer.widgets import inbound as _inbound
from explainer.widgets import safety as _safety  # noqa: F401  (sets up the server-side log)

_inbound.install()
