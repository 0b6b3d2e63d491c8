"""Ports the profiler handlers depend on."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol

from driftgate.contracts.events import PayloadLandedV1
from driftgate.profiler.domain.compatibility import CompatibilityPolicy
from driftgate.profiler.domain.payload_record import PayloadRecord
from driftgate.profiler.domain.registry import Review, SchemaVersion
from driftgate.profiler.errors import UnreadablePayloadError


class PayloadReader(Protocol):
    def chunks(self, bucket: str, key: str) -> AsyncIterator[bytes]:
        """The raw object's bytes in chunks; ``UnreadablePayloadError`` or a transient error."""
        ...


class SchemaRegistry(Protocol):
    async def history(self, source_id: str) -> list[SchemaVersion]:
        """Every version of the source, oldest first (strongly consistent)."""
        ...

    async def create(self, version: SchemaVersion, deprecate: SchemaVersion | None) -> None:
        """Create ``version`` atomically with deprecating the formerly ACTIVE ``deprecate``.

        ``RegistryConflictError`` when the version number is taken or ``deprecate`` is no
        longer ACTIVE: re-read the history and decide again.
        """
        ...

    async def review(
        self, version: SchemaVersion, review: Review, deprecate: SchemaVersion | None
    ) -> None:
        """Store ``version`` (new status) with ``review`` appended; deprecate ``deprecate``."""
        ...

    async def sources(self) -> list[str]: ...


class PayloadIndex(Protocol):
    async def get(self, ingest_id: str) -> PayloadRecord | None: ...

    async def record_profiled(self, record: PayloadRecord) -> bool:
        """Upsert a PROFILED record, counting it on its version unless it already was PROFILED.

        Returns whether the version's counter was incremented.
        """
        ...

    async def record_rejected(self, record: PayloadRecord) -> None: ...

    async def mark_published(self, ingest_id: str, attempt: int) -> None:
        """Every event of this attempt is published; redelivery has nothing left to do."""
        ...

    async def rejected(self, source_id: str | None = None) -> list[PayloadRecord]: ...


class DeadLetters(Protocol):
    async def store(self, landed: PayloadLandedV1, error: UnreadablePayloadError) -> str:
        """Copy the raw object and write an error report; returns the dead-letter prefix."""
        ...


class PolicyStore(Protocol):
    async def policy(self, source_id: str) -> CompatibilityPolicy: ...

    async def set_policy(self, source_id: str, policy: CompatibilityPolicy) -> None: ...


class Metrics(Protocol):
    def profiling_failure(self, source_id: str, error_kind: str) -> None:
        """Count one ``ProfilingFailures`` for the source."""
        ...
