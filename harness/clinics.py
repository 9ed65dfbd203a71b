"""The example clinic files, varied for tests and benchmarks (a copy on another paper size)."""

from __future__ import annotations

import re
from pathlib import Path

from harness.server import REPO

EXAMPLES = {"uk": REPO / "examples" / "clinic.toml", "us": REPO / "examples" / "clinic-us.toml"}
"""The example clinics, by the name the handout's tests and benchmark give them."""


def with_paper(path: Path, paper: str, folder: Path) -> Path:
    """A copy of the clinic file ``path`` in ``folder`` with its paper set to ``paper``."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'^paper = ".*"\n', "", text, flags=re.M)
    text = re.sub(r"^(country = .*)$", rf'\1\npaper = "{paper}"', text, count=1, flags=re.M)
    out = folder / f"{path.stem}-{paper}.toml"
    out.write_text(text, encoding="utf-8")
    return out
