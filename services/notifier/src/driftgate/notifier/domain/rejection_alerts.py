"""Turning a rejected (dead-lettered) payload into an alert."""

from __future__ import annotations

import uuid
from datetime import datetime

from driftgate.contracts.events import AlertRaisedV1, PayloadRejectedV1, Severity

_ALERT_NAMESPACE = uuid.UUID("5e2c8b1a-7f34-4d6e-8a19-2b3c4d5e6f70")


def rejection_alert(
    rejected: PayloadRejectedV1, cause_event_id: str, now: datetime
) -> AlertRaisedV1:
    """A warning: the payload's data is safe in the raw zone but will not be promoted."""
    where = ""
    if rejected.line is not None:
        where = f" at line {rejected.line}"
    elif rejected.row is not None:
        where = f" at row {rejected.row}"
    detail = (
        f"Payload {rejected.ingest_id} is unreadable{where}: {rejected.reason}. "
        f"Copy and error report under s3://{rejected.bucket}/{rejected.dead_letter_prefix}; "
        "replay with `driftgate payloads reprofile "
        f"{rejected.ingest_id}`."
    )
    return AlertRaisedV1(
        alert_id=str(uuid.uuid5(_ALERT_NAMESPACE, cause_event_id)),
        kind="payload_rejected",
        severity=Severity.WARNING,
        source_id=rejected.source_id,
        title=f"Payload rejected in source {rejected.source_id} ({rejected.error_kind})"[:256],
        detail=detail[:4096],
        caused_by_event_id=cause_event_id,
        dedup_key=f"payload_rejected/{rejected.source_id}/{rejected.ingest_id}",
        raised_at=now,
    )
