"""Typeset the handout with Typst (the `typst` package): data in, PDF bytes out, in memory.

Typst was chosen by measurement (docs/handout.md): about 20 ms for this handout against about
300 ms for WeasyPrint and 220 ms for fpdf2, it writes a tagged PDF checked against PDF/UA-1
(alt text, document title, structure), embeds subsets of its fonts, keeps SVG pictures as
vectors, and ships as one wheel with no system libraries. Nothing touches the disk: the
template is read once, the data and pictures are passed as ``sys.inputs`` strings, and the PDF
comes back as bytes.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import typst

from explainer.content._assets import assets_dir

__all__ = ["FONT_DIRS", "typeset"]

TEMPLATE = "handout/handout.typ"
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu",)
"""Debian's DejaVu Sans (fonts-dejavu-core), the explainer's one typeface."""


@lru_cache(maxsize=1)
def _template() -> bytes:
    return (assets_dir() / TEMPLATE).read_bytes()


@lru_cache(maxsize=1)
def _compiler() -> typst.Compiler:
    fonts = [d for d in FONT_DIRS if Path(d).is_dir()]
    return typst.Compiler(font_paths=fonts)


def typeset(data: dict, chart_svg: str, picture_svg: str) -> bytes:
    """The PDF (PDF/UA-1, tagged) for ``data`` (see `document.handout_data`)."""
    inputs = {"data": json.dumps(data, ensure_ascii=False), "chart": chart_svg,
              "picture": picture_svg}
    return _compiler().compile(_template(), format="pdf", sys_inputs=inputs,
                               pdf_standards=["ua-1"])
