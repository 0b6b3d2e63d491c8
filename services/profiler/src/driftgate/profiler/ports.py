"""Ports the profiler handlers depend on."""

from __future__ import annotations

from typing import Protocol

from driftgate.profiler.domain.registry import SchemaVersion


class PayloadReader(Protocol):
    async def read(self, bucket: str, key: str) -> bytes:
        """The raw object's bytes; raises ``UnreadablePayloadError`` or a transient error."""
        ...


class SchemaRegistry(Protocol):
    async def latest(self, source_id: str) -> SchemaVersion | None: ...

    async def create(self, version: SchemaVersion) -> None:
        """Create a version that must not exist yet; ``RegistryConflictError`` if it does."""
        ...
