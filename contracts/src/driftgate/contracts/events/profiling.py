"""Profiler outcomes per payload: profiled into a schema version, or rejected to dead letters."""

from __future__ import annotations

from typing import ClassVar

from pydantic import AwareDatetime, Field

from driftgate.contracts.envelope import EventData
from driftgate.contracts.events.payload import SOURCE_ID_PATTERN


class PayloadProfiledV1(EventData):
    """A payload was read in full and counted against a schema version."""

    event_name: ClassVar[str] = "payload.profiled"

    ingest_id: str = Field(min_length=1, max_length=64)
    source_id: str = Field(pattern=SOURCE_ID_PATTERN)
    schema_version: int = Field(ge=1)
    version_status: str = Field(description="ACTIVE | BREAKING | DEPRECATED at profiling time")
    record_count: int = Field(ge=0)
    size_bytes: int = Field(ge=0, le=2**63 - 1)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    profiled_at: AwareDatetime


class PayloadRejectedV1(EventData):
    """A payload could not be read; its raw object is untouched and a copy is dead-lettered."""

    event_name: ClassVar[str] = "payload.rejected"

    ingest_id: str = Field(min_length=1, max_length=64)
    source_id: str = Field(pattern=SOURCE_ID_PATTERN)
    reason: str = Field(min_length=1, max_length=2048)
    error_kind: str = Field(
        default="unreadable",
        pattern=r"^[a-z][a-z0-9_]*$",
        description="Machine-readable cause: corrupt_json, invalid_csv_row, invalid_utf8, ...",
    )
    line: int | None = Field(default=None, ge=1, description="1-based line (JSON, NDJSON)")
    row: int | None = Field(default=None, ge=1, description="1-based data row (CSV)")
    bucket: str = Field(min_length=3, max_length=63)
    raw_key: str = Field(min_length=1, max_length=1024)
    dead_letter_prefix: str = Field(min_length=1, max_length=1024)
    rejected_at: AwareDatetime
