"""The payload index entry: what became of one ingested payload."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class PayloadStatus(StrEnum):
    PROFILED = "PROFILED"
    REJECTED = "REJECTED"
    """Unreadable: dead-lettered; promotion skips it."""


@dataclass(frozen=True)
class PayloadRecord:
    ingest_id: str
    source_id: str
    status: PayloadStatus
    bucket: str
    key: str
    size_bytes: int
    sha256: str
    received_at: datetime
    processed_at: datetime
    content_type: str = ""
    schema_version: int | None = None
    record_count: int = 0
    reason: str | None = None
    error_kind: str | None = None
    line: int | None = None
    row: int | None = None
    dead_letter_prefix: str | None = None
    attempt: int = 1
    """Raised by each reprofile, so its events get new ids instead of deduplicating away."""
    events_published: bool = False
