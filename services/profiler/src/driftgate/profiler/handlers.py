"""Profiler message handlers: profile a landed payload, register its schema, announce it.

Idempotent on redelivery: the registry finds the existing version by fingerprint, the payload
index counts a payload once, and every event id derives from what it describes. A payload whose
events were all published is skipped outright on redelivery.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from driftgate.contracts import CloudEvent
from driftgate.contracts.events import PayloadLandedV1
from driftgate.profiler import announcements
from driftgate.profiler.domain.fields import fields_from_profile
from driftgate.profiler.domain.payload_record import PayloadRecord, PayloadStatus
from driftgate.profiler.domain.registration import RenameFinder, register
from driftgate.profiler.domain.renames import find_renames
from driftgate.profiler.errors import UnreadablePayloadError
from driftgate.profiler.ports import (
    DeadLetters,
    Metrics,
    PayloadIndex,
    PayloadReader,
    PolicyStore,
    SchemaRegistry,
)
from driftgate.profiler.profiling import ProfileFn, profile_landed
from driftgate.runtime.publisher import EventPublisher
from driftgate.runtime.topology import PAYLOAD_EVENTS_TOPIC, SCHEMA_EVENTS_TOPIC

log = logging.getLogger(__name__)

EVENT_SOURCE = announcements.EVENT_SOURCE


@dataclass
class ProfilerDeps:
    reader: PayloadReader
    registry: SchemaRegistry
    index: PayloadIndex
    dead_letters: DeadLetters
    policies: PolicyStore
    metrics: Metrics
    publisher: EventPublisher
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    profile: ProfileFn = profile_landed
    find_renames: RenameFinder = field(default=find_renames)


async def on_payload_landed(event: CloudEvent[PayloadLandedV1], deps: ProfilerDeps) -> None:
    """Handle ``payload.landed.v1``."""
    await process_payload(event.data, deps, correlationid=event.correlationid)


async def process_payload(
    landed: PayloadLandedV1,
    deps: ProfilerDeps,
    *,
    correlationid: str | None = None,
    reprofile: bool = False,
) -> PayloadRecord:
    """Profile one payload and record the outcome; ``reprofile`` re-runs a finished payload."""
    known = await deps.index.get(landed.ingest_id)
    if known is not None and known.events_published and not reprofile:
        log.info("payload already profiled", extra={"ingest_id": landed.ingest_id})
        return known
    attempt = 1 if known is None else known.attempt + (1 if reprofile else 0)
    try:
        profile = await deps.profile(deps.reader, landed)
    except UnreadablePayloadError as error:
        return await _reject(landed, error, known, attempt, deps, correlationid)

    fields = fields_from_profile(profile)
    policy = await deps.policies.policy(landed.source_id)
    registration = await register(
        deps.registry,
        source_id=landed.source_id,
        fields=fields,
        ingest_id=landed.ingest_id,
        policy=policy,
        find_renames=deps.find_renames,
        now=deps.clock(),
    )
    version = registration.version
    record = _index_entry(
        landed,
        PayloadStatus.PROFILED,
        processed_at=deps.clock(),
        schema_version=version.version,
        record_count=profile.record_count,
        attempt=attempt,
    )
    await deps.index.record_profiled(record)
    # The payload that created a version announces it, also when it is redelivered after a
    # crash between registering and publishing (same ids: no duplicate for consumers).
    if version.created_by_ingest == landed.ingest_id:
        await deps.publisher.publish(
            SCHEMA_EVENTS_TOPIC, announcements.registered_event(version, policy, correlationid)
        )
        if announcements.is_drift(version):
            await deps.publisher.publish(
                SCHEMA_EVENTS_TOPIC, announcements.drift_event(version, policy, correlationid)
            )
    await deps.publisher.publish(
        PAYLOAD_EVENTS_TOPIC, announcements.profiled_event(record, version.status, correlationid)
    )
    await deps.index.mark_published(landed.ingest_id, attempt)
    log.info(
        "payload profiled",
        extra={
            "source_id": landed.source_id,
            "ingest_id": landed.ingest_id,
            "version": version.version,
            "status": version.status.value,
            "new_version": registration.created,
        },
    )
    return record


async def _reject(  # noqa: PLR0917 -- private helper, called once
    landed: PayloadLandedV1,
    error: UnreadablePayloadError,
    known: PayloadRecord | None,
    attempt: int,
    deps: ProfilerDeps,
    correlationid: str | None,
) -> PayloadRecord:
    """Dead-letter an unreadable payload: copy + report, REJECTED record, metric, event."""
    prefix = await deps.dead_letters.store(landed, error)
    now = deps.clock()
    record = _index_entry(
        landed,
        PayloadStatus.REJECTED,
        processed_at=now,
        reason=str(error),
        error_kind=error.reason,
        line=error.line,
        row=error.row,
        dead_letter_prefix=prefix,
        attempt=attempt,
    )
    await deps.index.record_rejected(record)
    already_counted = (
        known is not None and known.status is PayloadStatus.REJECTED and known.attempt == attempt
    )
    if not already_counted:
        deps.metrics.profiling_failure(landed.source_id, error.reason)
    await deps.publisher.publish(
        PAYLOAD_EVENTS_TOPIC, announcements.rejected_event(landed, record, now, correlationid)
    )
    await deps.index.mark_published(landed.ingest_id, attempt)
    log.warning(
        "payload rejected",
        extra={
            "source_id": landed.source_id,
            "ingest_id": landed.ingest_id,
            "error_kind": error.reason,
            "dead_letter_prefix": prefix,
        },
    )
    return record


def _index_entry(landed: PayloadLandedV1, status: PayloadStatus, **outcome: Any) -> PayloadRecord:
    """The payload index entry for ``landed``: where the payload lies, and ``outcome``."""
    return PayloadRecord(
        ingest_id=landed.ingest_id,
        source_id=landed.source_id,
        status=status,
        bucket=landed.bucket,
        key=landed.key,
        size_bytes=landed.size_bytes,
        sha256=landed.sha256,
        content_type=landed.content_type,
        received_at=landed.received_at,
        **outcome,
    )
