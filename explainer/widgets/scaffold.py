"""One scaffold for the notebook pages that hold widgets: header, intro, widgets, footer.

    show_page("diagram", pages.body_html("pain-signal"), [switch, widget, note], links=links)

Every widget page is the site header (with the page's place in the navigation), its intro
HTML, one box of widgets (the links that keep them in step are kept alive with the box) and,
unless the widget carries its own, the footer with the disclaimer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import ipywidgets as widgets

from explainer import pages


def show_page(nav_id: str, intro_html: str, parts: Sequence[widgets.Widget] | widgets.Widget,
              *, links: Iterable = (), footer: bool = True) -> widgets.Widget:
    """Display the page; `parts` is one widget or a list stacked in a VBox. Returns the box."""
    from IPython.display import display

    pages.show(pages.header_html(nav_id), intro_html)
    box = parts if isinstance(parts, widgets.Widget) else widgets.VBox(list(parts))
    links = list(links)
    if links:
        box._kx_links = links  # keep the links alive with the page
    display(box)
    if footer:
        pages.show(pages.footer_html())
    return box
