"""`shared_models()`: widgets built inside it share one Layout and one Style of each kind.

Every ipywidgets `DOMWidget` makes its own `Layout` model, and every `HTML`, `Button`,
`SliderBase`... its own Style model, even when nothing ever sets them: a page of 120 widgets
sent 70 empty Layouts and 45 Styles, each a model the kernel builds, a comm it opens and a
state (about 1 KB of nulls) in the message every viewer's browser waits for. ipywidgets lets
many widgets point at one Layout (or Style) model, so a page builds its widgets inside

    with shared_models():
        page = build_the_page()

and every widget made there without a `layout=` (or `style=`) of its own takes the block's one
frozen instance of that class. The shared instances refuse changes (`AttributeError`), so a
widget whose layout or style changes later must be given its own (`layout=widgets.Layout()`)
where it is made; the block's end restores ipywidgets' defaults, so widgets made afterwards (a
callback's, a test's, a trainee's in JupyterLab) are as ipywidgets makes them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import ipywidgets as widgets


class _Frozen:
    """Mixed into the shared instances: their synced traits cannot be set once made."""

    _frozen = False

    def __setattr__(self, name, value):
        if self._frozen and name in self.keys:
            raise AttributeError(
                f"this {type(self).__mro__[2].__name__} is shared by many widgets (made inside "
                f"shared_models()): give the widget its own, e.g. layout=widgets.Layout()")
        super().__setattr__(name, value)


_FROZEN_CLASSES: dict[type, type] = {}


def _frozen_instance(klass: type) -> widgets.Widget:
    frozen = _FROZEN_CLASSES.get(klass)
    if frozen is None:
        frozen = _FROZEN_CLASSES[klass] = type(f"Shared{klass.__name__}", (_Frozen, klass), {})
    instance = frozen()
    instance._frozen = True
    return instance


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _model_traits() -> list:
    """The `layout` and `style` trait objects of every DOMWidget class (each trait object once:
    subclasses share their parent's)."""
    found: dict[int, object] = {}
    for cls in [widgets.DOMWidget, *_subclasses(widgets.DOMWidget)]:
        for name in ("layout", "style"):
            trait = cls.class_traits().get(name)
            if trait is not None and hasattr(trait, "make_dynamic_default"):
                found.setdefault(id(trait), trait)
    return list(found.values())


@contextmanager
def shared_models() -> Iterator[None]:
    """Widgets made in this block without their own layout or style share one frozen instance
    of each Layout and Style class (made on first use, one set per block)."""
    shared: dict[type, widgets.Widget] = {}

    def default_for(trait):
        def make():
            if trait.klass not in shared:
                shared[trait.klass] = _frozen_instance(trait.klass)
            return shared[trait.klass]
        return make

    traits = _model_traits()
    for trait in traits:
        trait.make_dynamic_default = default_for(trait)  # shadows the class's method
    try:
        yield
    finally:
        for trait in traits:
            del trait.make_dynamic_default
