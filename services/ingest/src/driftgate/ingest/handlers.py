"""Ingest's use case: authenticate a source and land its payload in the raw zone."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from driftgate.contracts import CloudEvent
from driftgate.contracts.events import PayloadLandedV1
from driftgate.ingest.domain.api_keys import hash_key, key_matches
from driftgate.ingest.domain.ingest_id import new_ingest_id
from driftgate.ingest.domain.raw_zone import LandedObject, object_metadata, raw_object_key
from driftgate.ingest.domain.source_id import validate_source_id
from driftgate.ingest.errors import (
    EmptyBodyError,
    ForbiddenSourceError,
    PayloadTooLargeError,
    StorageUnavailableError,
    UnauthenticatedError,
    UnsupportedMediaTypeError,
)
from driftgate.ingest.ports import ApiKeyStore, RawObjectStore
from driftgate.runtime.errors import PublishError
from driftgate.runtime.publisher import EventPublisher
from driftgate.runtime.topology import PAYLOAD_EVENTS_TOPIC

EVENT_SOURCE = "/driftgate/ingest"
# Media type → file extension in the raw zone. The full API adds NDJSON and CSV.
ACCEPTED_TYPES = {"application/json": "json"}


@dataclass(frozen=True)
class LandPayload:
    source_id: str
    api_key: str | None
    content_type: str
    body: AsyncIterator[bytes]
    correlation_id: str | None = None


@dataclass
class IngestDeps:
    keys: ApiKeyStore
    raw: RawObjectStore
    publisher: EventPublisher
    max_body_bytes: int
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)


async def authenticate(keys: ApiKeyStore, source_id: str, api_key: str | None) -> None:
    """401 for a missing, unknown or revoked key; 403 for a key of another source."""
    if not api_key:
        raise UnauthenticatedError("send the source's API key in the X-Api-Key header")
    record = await keys.find_by_hash(hash_key(api_key))
    if record is None or record.revoked or not key_matches(record, api_key):
        raise UnauthenticatedError("the API key is unknown or revoked")
    if record.source_id != source_id:
        raise ForbiddenSourceError(f"this API key may not write to source {source_id!r}")


async def read_limited(body: AsyncIterator[bytes], limit: int) -> bytes:
    """Read the body, failing as soon as it passes ``limit`` (chunked bodies included)."""
    parts: list[bytes] = []
    size = 0
    async for chunk in body:
        size += len(chunk)
        if size > limit:
            raise PayloadTooLargeError(f"payload exceeds the {limit}-byte limit")
        parts.append(chunk)
    return b"".join(parts)


async def land_payload(cmd: LandPayload, deps: IngestDeps) -> LandedObject:
    """Validate, authenticate, write the raw object, then publish ``payload.landed.v1``.

    The receipt is returned only once the object is durable and the event accepted by SNS.
    """
    source_id = validate_source_id(cmd.source_id)
    await authenticate(deps.keys, source_id, cmd.api_key)
    media_type = cmd.content_type.split(";", 1)[0].strip().lower()
    ext = ACCEPTED_TYPES.get(media_type)
    if ext is None:
        raise UnsupportedMediaTypeError(
            f"content type {media_type or '(none)'!r} is not accepted; use application/json"
        )
    data = await read_limited(cmd.body, deps.max_body_bytes)
    if not data:
        raise EmptyBodyError("the request body is empty")

    received_at = deps.clock()
    ingest_id = new_ingest_id(received_at)
    key = raw_object_key(source_id, ingest_id, received_at, ext)
    pending = LandedObject(
        ingest_id=ingest_id,
        source_id=source_id,
        bucket="",
        key=key,
        content_type=media_type,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        received_at=received_at,
    )
    bucket = await deps.raw.put_raw(key, data, media_type, object_metadata(pending))
    landed = replace(pending, bucket=bucket)
    event = CloudEvent.wrap(
        PayloadLandedV1(
            ingest_id=landed.ingest_id,
            source_id=landed.source_id,
            bucket=landed.bucket,
            key=landed.key,
            content_type=landed.content_type,
            size_bytes=landed.size_bytes,
            sha256=landed.sha256,
            received_at=landed.received_at,
        ),
        source=EVENT_SOURCE,
        subject=f"sources/{source_id}/payloads/{ingest_id}",
        correlationid=cmd.correlation_id,
    )
    try:
        await deps.publisher.publish(PAYLOAD_EVENTS_TOPIC, event)
    except PublishError as exc:
        raise StorageUnavailableError("the payload was stored but could not be announced") from exc
    return landed
