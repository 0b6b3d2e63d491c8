"""Payload lifecycle events."""

from __future__ import annotations

from typing import ClassVar

from pydantic import AwareDatetime, Field

from driftgate.contracts.envelope import EventData

SOURCE_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"


class PayloadLandedV1(EventData):
    """A payload is durable in the immutable raw zone."""

    event_name: ClassVar[str] = "payload.landed"

    ingest_id: str = Field(min_length=1, max_length=64)
    source_id: str = Field(pattern=SOURCE_ID_PATTERN)
    bucket: str = Field(min_length=3, max_length=63)
    key: str = Field(min_length=1, max_length=1024)
    content_type: str
    size_bytes: int = Field(ge=0, le=2**63 - 1)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    received_at: AwareDatetime
