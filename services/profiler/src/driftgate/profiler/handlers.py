"""Profiler message handlers: one async function per message type."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from driftgate.contracts import CloudEvent
from driftgate.contracts.events import FieldTypeChange, PayloadLandedV1, SchemaDriftDetectedV1
from driftgate.profiler.domain.inference import infer_schema, parse_json_records
from driftgate.profiler.domain.registry import SchemaVersion
from driftgate.profiler.domain.schema_diff import diff_schemas, fingerprint
from driftgate.profiler.ports import PayloadReader, SchemaRegistry
from driftgate.runtime.publisher import EventPublisher
from driftgate.runtime.topology import SCHEMA_EVENTS_TOPIC

log = logging.getLogger(__name__)

EVENT_SOURCE = "/driftgate/profiler"
# Event ids derive from what they describe, so a redelivered payload republishes the same id
# and every consumer's dedup sees one event.
_EVENT_NAMESPACE = uuid.UUID("7d1f3f2e-5c0b-4c1e-9f53-9a4f7b0f6d10")


@dataclass
class ProfilerDeps:
    reader: PayloadReader
    registry: SchemaRegistry
    publisher: EventPublisher
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)


async def on_payload_landed(event: CloudEvent[PayloadLandedV1], deps: ProfilerDeps) -> None:
    """Infer the payload's schema, register a new version if it changed, announce drift."""
    landed = event.data
    data = await deps.reader.read(landed.bucket, landed.key)
    schema = infer_schema(parse_json_records(data))
    fp = fingerprint(schema)
    latest = await deps.registry.latest(landed.source_id)

    if latest is not None and latest.created_by_ingest == landed.ingest_id:
        # Redelivery after we registered this payload's version but before the drift event was
        # surely published: publish again (same event id) rather than lose the drift.
        await _announce(latest, event, deps)
        return
    if latest is not None and latest.fingerprint == fp:
        log.info("schema unchanged", extra={"source_id": landed.source_id, "v": latest.version})
        return

    version = SchemaVersion(
        source_id=landed.source_id,
        version=1 if latest is None else latest.version + 1,
        fields=schema,
        fingerprint=fp,
        created_at=deps.clock(),
        created_by_ingest=landed.ingest_id,
        diff=None if latest is None else diff_schemas(latest.fields, schema),
    )
    # A concurrent profiler may win this version: RegistryConflictError is retryable and the
    # redelivered message re-reads the registry.
    await deps.registry.create(version)
    log.info(
        "schema version registered",
        extra={"source_id": version.source_id, "version": version.version},
    )
    await _announce(version, event, deps)


async def _announce(
    version: SchemaVersion, cause: CloudEvent[PayloadLandedV1], deps: ProfilerDeps
) -> None:
    diff = version.diff
    if diff is None or not diff.changed:
        return
    drift = SchemaDriftDetectedV1(
        source_id=version.source_id,
        ingest_id=version.created_by_ingest,
        previous_version=version.version - 1,
        new_version=version.version,
        added_fields=list(diff.added),
        removed_fields=list(diff.removed),
        type_changes=[
            FieldTypeChange(field=c.field, previous_type=c.previous_type, new_type=c.new_type)
            for c in diff.type_changes
        ],
        breaking=diff.breaking,
        reasons=diff.reasons(),
    )
    await deps.publisher.publish(
        SCHEMA_EVENTS_TOPIC,
        CloudEvent.wrap(
            drift,
            source=EVENT_SOURCE,
            subject=f"sources/{version.source_id}/schemas/{version.version}",
            event_id=str(
                uuid.uuid5(_EVENT_NAMESPACE, f"drift/{version.source_id}/{version.version}")
            ),
            correlationid=cause.correlationid,
        ),
    )
