"""Turning schema drift into an alert a human can act on."""

from __future__ import annotations

import uuid
from datetime import datetime

from driftgate.contracts.events import AlertRaisedV1, SchemaDriftDetectedV1, Severity

_ALERT_NAMESPACE = uuid.UUID("0b9f6a8e-2d43-4b8e-9a57-3c1e2f4d5a6b")


def drift_severity(drift: SchemaDriftDetectedV1) -> Severity:
    """Breaking drift loses data downstream: critical. Widenings and rename candidates: warning.
    Additions: info."""
    if drift.breaking:
        return Severity.CRITICAL
    if drift.type_changes or drift.renamed:  # a possible rename needs a human to confirm
        return Severity.WARNING
    return Severity.INFO


def drift_alert(drift: SchemaDriftDetectedV1, cause_event_id: str, now: datetime) -> AlertRaisedV1:
    severity = drift_severity(drift)
    verdict = "breaking" if drift.breaking else "compatible"
    title = (
        f"Schema drift ({verdict}) in source {drift.source_id}: "
        f"v{drift.previous_version} → v{drift.new_version}"
    )
    detail = "; ".join(drift.reasons) or "schema changed"
    return AlertRaisedV1(
        alert_id=str(uuid.uuid5(_ALERT_NAMESPACE, cause_event_id)),
        kind="schema_drift",
        severity=severity,
        source_id=drift.source_id,
        title=title[:256],
        detail=f"{detail}. First seen in payload {drift.ingest_id}."[:4096],
        caused_by_event_id=cause_event_id,
        dedup_key=f"schema_drift/{drift.source_id}/v{drift.new_version}",
        raised_at=now,
    )
