"""Where the content files live, and a strict YAML reader shared by the content modules."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

ASSETS_ENV_VAR = "KETAMINE_EXPLAINER_ASSETS"


class ContentError(ValueError):
    """The content files are malformed or break a rule; the message lists every problem."""


def assets_dir() -> Path:
    """``$KETAMINE_EXPLAINER_ASSETS`` if set, else the repository's ``assets`` directory."""
    env = os.environ.get(ASSETS_ENV_VAR)
    if env:
        return Path(env).expanduser().resolve()
    return Path(__file__).resolve().parents[2] / "assets"


def read_yaml(path: Path) -> Any:
    """Parse one YAML file, turning parse and I/O errors into :class:`ContentError`."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError(f"{path}: cannot read: {exc}") from exc
