"""The events the profiler publishes, with ids derived from what they describe.

A redelivered or replayed payload rebuilds the same ids, so consumers' dedup sees one event.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from driftgate.contracts import CloudEvent
from driftgate.contracts.events import (
    FieldRename,
    FieldTypeChange,
    PayloadLandedV1,
    PayloadProfiledV1,
    PayloadRejectedV1,
    RegisteredField,
    SchemaDriftDetectedV1,
    SchemaVersionRegisteredV1,
)
from driftgate.profiler.domain.compatibility import CompatibilityPolicy
from driftgate.profiler.domain.payload_record import PayloadRecord
from driftgate.profiler.domain.registry import SchemaVersion
from driftgate.profiler.domain.status import VersionStatus

EVENT_SOURCE = "/driftgate/profiler"
_EVENT_NAMESPACE = uuid.UUID("7d1f3f2e-5c0b-4c1e-9f53-9a4f7b0f6d10")


def event_id(*parts: object) -> str:
    return str(uuid.uuid5(_EVENT_NAMESPACE, "/".join(str(p) for p in parts)))


def registered_event(
    v: SchemaVersion, policy: CompatibilityPolicy, correlationid: str | None
) -> CloudEvent[SchemaVersionRegisteredV1]:
    data = SchemaVersionRegisteredV1(
        source_id=v.source_id,
        version=v.version,
        previous_version=v.previous_version,
        ingest_id=v.created_by_ingest,
        fingerprint=v.fingerprint,
        status=v.status.value,
        compatibility=v.compatibility.value,
        policy=policy.value,
        fields=[
            RegisteredField(
                path=path,
                type=s.type,
                required=s.required,
                presence_ratio=s.presence_ratio,
                null_ratio=s.null_ratio,
            )
            for path, s in v.fields.items()
        ],
        reasons=list(v.reasons),
        created_at=v.created_at,
    )
    return CloudEvent.wrap(
        data,
        source=EVENT_SOURCE,
        subject=f"sources/{v.source_id}/schemas/{v.version}",
        event_id=event_id("registered", v.source_id, v.version),
        correlationid=correlationid,
    )


def is_drift(v: SchemaVersion) -> bool:
    """Drift worth a human's attention: the version breaks its policy, or a field may have been
    renamed. Additive and widening changes are announced only as a registered version."""
    if v.diff is None or v.previous_version is None:
        return False
    return v.status is VersionStatus.BREAKING or bool(v.diff.renamed)


def drift_event(
    v: SchemaVersion, policy: CompatibilityPolicy, correlationid: str | None
) -> CloudEvent[SchemaDriftDetectedV1]:
    assert v.diff is not None
    assert v.previous_version is not None
    data = SchemaDriftDetectedV1(
        source_id=v.source_id,
        ingest_id=v.created_by_ingest,
        previous_version=v.previous_version,
        new_version=v.version,
        added_fields=list(v.diff.added),
        removed_fields=list(v.diff.removed),
        type_changes=[
            FieldTypeChange(field=c.field, previous_type=c.previous_type, new_type=c.new_type)
            for c in v.diff.type_changes
        ],
        breaking=v.status is VersionStatus.BREAKING,
        reasons=list(v.reasons),
        status=v.status.value,
        compatibility=v.compatibility.value,
        policy=policy.value,
        renamed=[
            FieldRename(old=r.old, new=r.new, confidence=r.confidence) for r in v.diff.renamed
        ],
    )
    return CloudEvent.wrap(
        data,
        source=EVENT_SOURCE,
        subject=f"sources/{v.source_id}/schemas/{v.version}",
        # Same derivation as before the registry grew statuses: ids stay stable across upgrades.
        event_id=event_id("drift", v.source_id, v.version),
        correlationid=correlationid,
    )


def profiled_event(
    r: PayloadRecord, status: VersionStatus, correlationid: str | None
) -> CloudEvent[PayloadProfiledV1]:
    assert r.schema_version is not None
    data = PayloadProfiledV1(
        ingest_id=r.ingest_id,
        source_id=r.source_id,
        schema_version=r.schema_version,
        version_status=status.value,
        record_count=r.record_count,
        size_bytes=r.size_bytes,
        sha256=r.sha256,
        profiled_at=r.processed_at,
    )
    return CloudEvent.wrap(
        data,
        source=EVENT_SOURCE,
        subject=f"sources/{r.source_id}/payloads/{r.ingest_id}",
        event_id=event_id("profiled", r.ingest_id, r.attempt),
        correlationid=correlationid,
    )


def rejected_event(
    landed: PayloadLandedV1, r: PayloadRecord, now: datetime, correlationid: str | None
) -> CloudEvent[PayloadRejectedV1]:
    data = PayloadRejectedV1(
        ingest_id=r.ingest_id,
        source_id=r.source_id,
        reason=(r.reason or "unreadable payload")[:2048],
        error_kind=r.error_kind or "unreadable",
        line=r.line,
        row=r.row,
        bucket=landed.bucket,
        raw_key=landed.key,
        dead_letter_prefix=r.dead_letter_prefix or "",
        rejected_at=now,
    )
    return CloudEvent.wrap(
        data,
        source=EVENT_SOURCE,
        subject=f"sources/{r.source_id}/payloads/{r.ingest_id}",
        event_id=event_id("rejected", r.ingest_id, r.attempt),
        correlationid=correlationid,
    )
