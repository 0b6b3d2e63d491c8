"""Where payloads land in the immutable raw zone, and what metadata they carry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class LandedObject:
    ingest_id: str
    source_id: str
    bucket: str
    key: str
    content_type: str
    size_bytes: int
    sha256: str
    received_at: datetime


def raw_object_key(source_id: str, ingest_id: str, received_at: datetime, ext: str) -> str:
    """``raw/source=<id>/date=YYYY-MM-DD/<ingest_id>.<ext>``: Hive-style partitions for Athena."""
    return f"raw/source={source_id}/date={received_at.date().isoformat()}/{ingest_id}.{ext}"


def object_metadata(obj: LandedObject) -> dict[str, str]:
    return {
        "source_id": obj.source_id,
        "ingest_id": obj.ingest_id,
        "sha256": obj.sha256,
        "content_type": obj.content_type,
        "size": str(obj.size_bytes),
        "received_at": obj.received_at.isoformat(),
    }
