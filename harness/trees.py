"""Walking YAML-like trees in tests: every leaf with its path."""

from __future__ import annotations

from collections.abc import Mapping


def leaves(node, path: str = ""):
    """Every (path, value) leaf of a YAML-like tree: mappings by key, lists and tuples by index."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            yield from leaves(value, f"{path}.{key}")
    elif isinstance(node, (list, tuple)):
        for index, value in enumerate(node):
            yield from leaves(value, f"{path}[{index}]")
    else:
        yield path, node
