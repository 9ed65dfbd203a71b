"""Where the content files live, and the one strict YAML reader every loader uses.

Every YAML file the project loads goes through :func:`read_yaml` (or :func:`parse_yaml`): a
safe loader that also refuses a repeated mapping key, a common slip in hand-edited files
(plain ``yaml.safe_load`` keeps the last value silently).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from explainer.paths import ASSETS_ENV_VAR, assets_dir

__all__ = ["ASSETS_ENV_VAR", "ContentError", "DuplicateKeyError", "UniqueKeyLoader",
           "assets_dir", "parse_yaml", "read_yaml"]


class ContentError(ValueError):
    """The content files are malformed or break a rule; the message lists every problem."""


class DuplicateKeyError(yaml.YAMLError):
    """A mapping in a YAML file names the same key twice."""


_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where PyYAML was built with it (the wheels are): it parses the
content about ten times faster than the pure-Python one (0.02 against 0.17 s for all of
assets/), which every viewer's kernel pays once at start; same documents, same constructors."""


class UniqueKeyLoader(_SafeLoader):
    """A safe YAML loader that refuses duplicate mapping keys."""


def _construct_mapping(loader: UniqueKeyLoader, node: yaml.MappingNode,
                       deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise DuplicateKeyError(f"duplicate key {key!r} at line {key_node.start_mark.line + 1}")
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                                _construct_mapping)


def parse_yaml(text: str) -> Any:
    """Parse YAML text with :class:`UniqueKeyLoader` (raises ``yaml.YAMLError``)."""
    return yaml.load(text, Loader=UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass


def read_yaml(path: Path, error: type[ContentError] = ContentError) -> Any:
    """Parse one YAML file strictly, turning I/O, parse and duplicate-key errors into
    ``error`` (:class:`ContentError` or a subclass) naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc}") from exc
    try:
        return parse_yaml(text)
    except DuplicateKeyError as exc:
        raise error(f"{path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise error(f"{path}: cannot read: not valid YAML: {exc}") from exc
