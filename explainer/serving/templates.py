"""Page templates compiled once per server process, not once per page request.

Voilà builds a new nbconvert exporter, and with it a new Jinja environment, for every page it
serves, so Jinja parsed and compiled the page templates (`kx`, and the `lab` and `base`
templates it extends) again for every viewer: about 30 % of the server's CPU for each page
opened (py-spy over `benchmarks.load` viewers; docs/serving.md, "Bursts"). Jinja's bytecode
cache is the tool for this: `share_compiled_templates()` gives every exporter's environment one
cache in this process, keyed by each template's name and a checksum of its source, so a
template changed on disk is compiled again and an unchanged one never is.
"""

from __future__ import annotations

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from voila.exporter import VoilaExporter

__all__ = ["COMPILED", "share_compiled_templates"]


class _InMemoryBytecodeCache(BytecodeCache):
    """Compiled templates held in this process (Jinja's own caches write files)."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self._code.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)  # resets itself if the source's checksum differs

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._code.clear()

    def __len__(self) -> int:
        return len(self._code)


COMPILED = _InMemoryBytecodeCache()
"""The one cache every page's exporter shares."""


def share_compiled_templates() -> None:
    """Make every `VoilaExporter` environment use `COMPILED` (idempotent)."""
    create = VoilaExporter._create_environment
    if getattr(create, "shares_compiled_templates", False):
        return

    def _create_environment(self):
        environment = create(self)
        environment.bytecode_cache = COMPILED
        return environment

    _create_environment.shares_compiled_templates = True
    VoilaExporter._create_environment = _create_environment
