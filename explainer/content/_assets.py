"""Where the content files live, and a strict YAML reader shared by the content modules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from explainer.serving.paths import ASSETS_ENV_VAR, assets_dir

__all__ = ["ASSETS_ENV_VAR", "ContentError", "assets_dir", "read_yaml"]


class ContentError(ValueError):
    """The content files are malformed or break a rule; the message lists every problem."""


def read_yaml(path: Path) -> Any:
    """Parse one YAML file, turning parse and I/O errors into :class:`ContentError`."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError(f"{path}: cannot read: {exc}") from exc
