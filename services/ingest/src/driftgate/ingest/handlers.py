"""Ingest's use case: authenticate a source and land its payload in the raw zone.

Order of effects (docs/adr/0007): claim the Idempotency-Key, write the object (staged and
promoted when large), publish ``payload.landed.v1``, then settle the claim. A 202 means the
object is durable and the event was accepted by SNS.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from driftgate.contracts import CloudEvent
from driftgate.contracts.catalog import parse_event
from driftgate.contracts.events import PayloadLandedV1
from driftgate.ingest.auth import authenticate
from driftgate.ingest.domain.body import decoded
from driftgate.ingest.domain.idempotency import (
    ClaimState,
    IdempotencyRecord,
    Receipt,
    idempotency_scope,
)
from driftgate.ingest.domain.ingest_id import new_ingest_id
from driftgate.ingest.domain.media import content_encoding, media_type
from driftgate.ingest.domain.rate_limit import RateLimiter
from driftgate.ingest.domain.raw_zone import LandedObject, object_metadata, raw_object_key
from driftgate.ingest.domain.source_id import validate_source_id
from driftgate.ingest.errors import (
    IdempotencyKeyInProgressError,
    IdempotencyKeyReusedError,
    StorageUnavailableError,
)
from driftgate.ingest.ports import ApiKeyStore, IdempotencyStore, RawObjectStore
from driftgate.ingest.storage import Placement, hash_only, write_body
from driftgate.runtime.errors import PublishError
from driftgate.runtime.publisher import EventPublisher
from driftgate.runtime.topology import PAYLOAD_EVENTS_TOPIC

log = logging.getLogger(__name__)

EVENT_SOURCE = "/driftgate/ingest"
MIB = 1024 * 1024


@dataclass(frozen=True)
class LandPayload:
    source_id: str
    api_key: str | None
    content_type: str
    body: AsyncIterator[bytes]
    correlation_id: str | None = None
    content_encoding: str | None = None
    idempotency_key: str | None = None


@dataclass
class IngestDeps:
    keys: ApiKeyStore
    raw: RawObjectStore
    publisher: EventPublisher
    max_body_bytes: int
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    limiter: RateLimiter | None = None
    idempotency: IdempotencyStore | None = None
    multipart_threshold_bytes: int = 8 * MIB
    part_size_bytes: int = 8 * MIB
    idempotency_ttl_seconds: int = 24 * 3600
    idempotency_lease_seconds: int = 900
    publish_attempts: int = 3


@dataclass(frozen=True)
class Landing:
    receipt: Receipt
    replayed: bool = False


# Parametrised once: ``CloudEvent.wrap`` looks the generic up per call, which shows per request.
_LANDED_ENVELOPE = CloudEvent[PayloadLandedV1]
_LANDED_TYPE = PayloadLandedV1.event_type()
_LANDED_SCHEMA = PayloadLandedV1.dataschema_uri()


def landed_event(landed: LandedObject, correlation_id: str | None) -> CloudEvent[Any]:
    """The ``payload.landed.v1`` envelope (as ``CloudEvent.wrap`` builds it, fully validated)."""
    return _LANDED_ENVELOPE(
        source=EVENT_SOURCE,
        type=_LANDED_TYPE,
        subject=f"sources/{landed.source_id}/payloads/{landed.ingest_id}",
        dataschema=_LANDED_SCHEMA,
        correlationid=correlation_id,
        data=PayloadLandedV1(
            ingest_id=landed.ingest_id,
            source_id=landed.source_id,
            bucket=landed.bucket,
            key=landed.key,
            content_type=landed.content_type,
            size_bytes=landed.size_bytes,
            sha256=landed.sha256,
            received_at=landed.received_at,
        ),
    )


async def publish_with_retry(deps: IngestDeps, event: CloudEvent[Any]) -> None:
    """SNS blips are short: a few quick attempts before the client is told 503."""
    for attempt in range(1, deps.publish_attempts + 1):
        try:
            await deps.publisher.publish(PAYLOAD_EVENTS_TOPIC, event)
        except PublishError as exc:
            if attempt == deps.publish_attempts:
                raise StorageUnavailableError(
                    "the payload is stored but could not be announced; retry with the same "
                    "Idempotency-Key to complete it"
                ) from exc
            await asyncio.sleep(0.05 * attempt)
        else:
            return


async def land_payload(cmd: LandPayload, deps: IngestDeps) -> Landing:
    """Validate, authenticate, rate-limit, then store and announce (or replay) the payload."""
    source_id = validate_source_id(cmd.source_id)
    key = await authenticate(deps.keys, source_id, cmd.api_key)
    if deps.limiter is not None:
        deps.limiter.acquire(key.key_id)
    bare_type, ext = media_type(cmd.content_type)
    body = decoded(cmd.body, content_encoding(cmd.content_encoding), deps.max_body_bytes)
    if cmd.idempotency_key is None or deps.idempotency is None:
        return Landing(
            await _store_and_announce(cmd, deps, source_id, bare_type=bare_type, ext=ext, body=body)
        )

    scope = idempotency_scope(source_id, cmd.idempotency_key)
    now = deps.clock().timestamp()
    claim = IdempotencyRecord(
        scope=scope,
        token=secrets.token_hex(16),
        state=ClaimState.IN_PROGRESS,
        claimed_at=now,
        expires_at=now + deps.idempotency_ttl_seconds,
    )
    existing = await deps.idempotency.claim(claim, now - deps.idempotency_lease_seconds)
    if existing is not None:
        return await _replay(existing, body, deps)
    try:
        receipt = await _store_and_announce(
            cmd, deps, source_id, bare_type=bare_type, ext=ext, body=body, claim=claim
        )
    except BaseException:
        await asyncio.shield(_release_quietly(deps.idempotency, claim))
        raise
    try:
        await deps.idempotency.settle(scope, claim.token, ClaimState.DONE, receipt, None)
    except StorageUnavailableError:
        # The payload is durable and announced; a later retry of this key sees the claim in
        # progress until its lease ends. Failing the request now would only invite a duplicate.
        log.warning("idempotency record not settled", extra={"ingest_id": receipt.ingest_id})
    return Landing(receipt)


async def _release_quietly(store: IdempotencyStore, claim: IdempotencyRecord) -> None:
    try:
        await store.release(claim.scope, claim.token)
    except StorageUnavailableError:
        log.warning("idempotency claim not released; it lapses after the lease")


async def _replay(
    existing: IdempotencyRecord, body: AsyncIterator[bytes], deps: IngestDeps
) -> Landing:
    if existing.state is ClaimState.IN_PROGRESS or existing.receipt is None:
        raise IdempotencyKeyInProgressError(
            "a request with this Idempotency-Key is still being processed; retry shortly"
        )
    digest, size = await hash_only(body)
    receipt = existing.receipt
    if (digest, size) != (receipt.sha256, receipt.size):
        raise IdempotencyKeyReusedError(
            "this Idempotency-Key was used for a different body; use a new key for new data"
        )
    if existing.state is ClaimState.STORED and existing.event is not None:
        # The first attempt stored the object but SNS refused the event: announce it now. The
        # event keeps its id, so a consumer that somehow saw it already deduplicates it.
        await publish_with_retry(deps, parse_event(existing.event))
        assert deps.idempotency is not None
        await deps.idempotency.settle(
            existing.scope, existing.token, ClaimState.DONE, receipt, existing.event
        )
    return Landing(receipt, replayed=True)


async def _store_and_announce(
    cmd: LandPayload,
    deps: IngestDeps,
    source_id: str,
    *,
    bare_type: str,
    ext: str,
    body: AsyncIterator[bytes],
    claim: IdempotencyRecord | None = None,
) -> Receipt:
    received_at = deps.clock()
    ingest_id = new_ingest_id(received_at)
    key = raw_object_key(source_id, ingest_id, received_at, ext)

    def landed(bucket: str, sha256: str, size: int) -> LandedObject:
        return LandedObject(
            ingest_id=ingest_id,
            source_id=source_id,
            bucket=bucket,
            key=key,
            content_type=bare_type,
            size_bytes=size,
            sha256=sha256,
            received_at=received_at,
        )

    where = Placement(
        key=key,
        staging_key=f"staging/source={source_id}/{ingest_id}.{ext}",
        content_type=bare_type,
        multipart_threshold=deps.multipart_threshold_bytes,
        part_size=deps.part_size_bytes,
    )
    written = await write_body(
        body,
        deps.raw,
        where,
        lambda sha256, size: object_metadata(landed("", sha256, size)),
    )
    obj = landed(written.bucket, written.sha256, written.size)
    receipt = Receipt(
        ingest_id=ingest_id,
        location=f"s3://{obj.bucket}/{obj.key}",
        sha256=obj.sha256,
        size=obj.size_bytes,
    )
    event = landed_event(obj, cmd.correlation_id)
    try:
        await publish_with_retry(deps, event)
    except StorageUnavailableError:
        log.exception(
            "raw object stored but not announced",
            extra={"ingest_id": ingest_id, "key": key, "idempotent": claim is not None},
        )
        if claim is not None and deps.idempotency is not None:
            await deps.idempotency.settle(
                claim.scope, claim.token, ClaimState.STORED, receipt, event.to_json().decode()
            )
        raise
    return receipt
