"""Build the API reference of `explainer.models` with pdoc into docs/api/ (git-ignored).

    python docs/build_api.py [output_dir]

Any warning pdoc raises (a docstring it cannot parse, a broken cross-reference, a module that
fails to import) is an error: the script prints them and exits with status 1.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pdoc
import pdoc.render

MODULES = ["explainer.models"]
"""The package; pdoc documents its submodules (pk, nmda, bands) with it."""
DEFAULT_OUT = Path(__file__).resolve().parent / "api"


def build(out: Path = DEFAULT_OUT) -> list[str]:
    """Write the HTML reference to `out`; return the warnings pdoc raised (empty when clean)."""
    pdoc.render.configure(docformat="numpy", show_source=False, search=True,
                          footer_text="ketamine-explainer: explainer.models")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pdoc.pdoc(*MODULES, output_directory=out)
    return [f"{w.category.__name__}: {w.message}" for w in caught
            if not issubclass(w.category, DeprecationWarning)]


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    problems = build(target)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"API reference written to {target}/explainer/models.html")
