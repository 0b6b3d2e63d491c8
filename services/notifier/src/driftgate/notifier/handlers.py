"""Notifier message handlers: one async function per message type."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from driftgate.contracts import CloudEvent
from driftgate.contracts.events import AlertRaisedV1, PayloadRejectedV1, SchemaDriftDetectedV1
from driftgate.notifier.domain.drift_alerts import drift_alert
from driftgate.notifier.domain.rejection_alerts import rejection_alert
from driftgate.runtime.publisher import EventPublisher
from driftgate.runtime.topology import ALERTS_TOPIC

log = logging.getLogger(__name__)

EVENT_SOURCE = "/driftgate/notifier"


@dataclass
class NotifierDeps:
    publisher: EventPublisher
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)


async def on_schema_drift(event: CloudEvent[SchemaDriftDetectedV1], deps: NotifierDeps) -> None:
    """Raise ``alert.raised.v1`` on the alerts topic; the id derives from the drift event's id."""
    await _raise(drift_alert(event.data, event.id, deps.clock()), event, deps)


async def on_payload_rejected(event: CloudEvent[PayloadRejectedV1], deps: NotifierDeps) -> None:
    """Warn that a payload was dead-lettered; the id derives from the rejection event's id."""
    await _raise(rejection_alert(event.data, event.id, deps.clock()), event, deps)


async def _raise(alert: AlertRaisedV1, event: CloudEvent[Any], deps: NotifierDeps) -> None:
    await deps.publisher.publish(
        ALERTS_TOPIC,
        CloudEvent.wrap(
            alert,
            source=EVENT_SOURCE,
            subject=f"sources/{alert.source_id}/alerts/{alert.kind}",
            event_id=alert.alert_id,
            correlationid=event.correlationid,
        ),
    )
    log.info(
        "alert raised",
        extra={"alert_id": alert.alert_id, "severity": alert.severity.value, "kind": alert.kind},
    )
