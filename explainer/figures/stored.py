"""Numbers and frames a first screen shows, kept on disk between kernels (issues 14 and 26).

    data = stored("frames-diagram-patient", build, strings_key, label)
    curve = stored("session-levels-ketamine-iv", build, doses, load=from_json)

Every viewer's kernel is a new process: what one kernel computed (a model run, some 500 overlay
documents) the next one reads here, as plain JSON numbers and strings, beside the figures'
backgrounds (`explainer.paths.cache_dir`). Reading needs neither numpy nor matplotlib, so a page
whose first screen is stored reaches it without importing either (`tests/test_kernel_diet.py`).

A file is named by `name` and a key (`explainer.figures.scene.background_key`) that changes
with the figure and model code, the style and `inputs` (the strings a file's words come from, a
protocol's doses, the modules that write it): a change anywhere writes a new file, and older
files of the same name are removed. It is written atomically (a temporary file renamed), and
never trusted blindly: a file that does not parse, or whose data `load` refuses (raises), is
rebuilt and written again. A cache folder that cannot be written costs a rebuild per process.
"""

from __future__ import annotations

import json
import math
import numbers
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from explainer.figures.scene import background_key, cache_dir

__all__ = ["number", "stored"]

T = TypeVar("T")

_REFUSED = (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError)
"""What reading a missing, corrupt or foreign file raises (`json`, and `load` on wrong data)."""


def _identity(data: Any) -> Any:
    return data


def stored(name: str, build: Callable[[], Any], *inputs: Path | str,
           load: Callable[[Any], T] = _identity) -> T:
    """`load(build())`, with `build()`'s JSON kept on disk under `name` and a key of the code
    and `inputs`: read from the file when it is there and `load` accepts it, else built, written
    and loaded. `build` returns plain JSON data (dicts, lists, strings, numbers, None)."""
    path = cache_dir() / f"{background_key(name, *inputs)}.json"
    try:
        return load(json.loads(path.read_text(encoding="utf-8")))
    except _REFUSED:
        pass   # not there yet, or not to be trusted: build it again
    data = build()
    _write(path, name, data)
    return load(data)


def _write(path: Path, name: str, data: Any) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False,
                                         encoding="utf-8") as tmp:
            json.dump(data, tmp, separators=(",", ":"))
        os.replace(tmp.name, path)
        for stale in path.parent.glob(f"{name}-*.json"):   # older versions of this file
            if stale != path and stale.stem.rsplit("-", 1)[0] == name:
                stale.unlink(missing_ok=True)
    except OSError:
        pass   # a read-only home: build once per process instead


def number(value: Any, none: bool = False) -> float | None:
    """`value` as a float if it is a finite number (None passes when `none`); raises otherwise,
    which `stored` takes as a file not to be trusted (`load` functions check with this)."""
    if value is None and none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"not a number: {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    return float(value)
