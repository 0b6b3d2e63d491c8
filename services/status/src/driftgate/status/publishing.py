"""Outbox events: build them with the state change, publish them after the commit.

Publishing right after the commit keeps latency low; whatever that misses (the process died,
SNS refused) the ``OutboxRelay`` publishes later, so every committed event goes out at least
once. Consumers deduplicate on the CloudEvent id, which the outbox entry fixes at commit time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from driftgate.contracts import CloudEvent, EventData, parse_event
from driftgate.runtime.errors import DriftgateError
from driftgate.runtime.periodic import Periodic
from driftgate.runtime.publisher import EventPublisher
from driftgate.runtime.topology import JOB_EVENTS_TOPIC
from driftgate.status.ports import Outbox, OutboxItem

log = logging.getLogger(__name__)
EVENT_SOURCE = "/driftgate/status"


def outbox_item(
    data: EventData, job_id: str, at: datetime, correlation_id: str | None
) -> OutboxItem:
    event: CloudEvent[Any] = CloudEvent.wrap(
        data, source=EVENT_SOURCE, subject=f"jobs/{job_id}", correlationid=correlation_id
    )
    return OutboxItem(
        event_id=event.id, topic=JOB_EVENTS_TOPIC, body=event.to_json().decode(), created_at=at
    )


@dataclass
class OutboxPublisher:
    publisher: EventPublisher
    outbox: Outbox

    async def publish(self, item: OutboxItem) -> bool:
        """Publish one committed entry and remove it; ``False`` leaves it for the relay."""
        try:
            await self.publisher.publish(item.topic, parse_event(item.body))
            await self.outbox.delete(item.event_id)
        except DriftgateError as exc:
            log.warning(
                "event left in the outbox", extra={"event_id": item.event_id, "error": str(exc)}
            )
            return False
        return True


class OutboxRelay:
    """A component that publishes outbox entries older than ``min_age`` every ``interval``."""

    def __init__(
        self,
        publisher: OutboxPublisher,
        outbox: Outbox,
        *,
        interval: float,
        min_age: float,
        batch: int = 100,
    ) -> None:
        self._publisher = publisher
        self._outbox = outbox
        self._min_age = timedelta(seconds=min_age)
        self._batch = batch
        self._periodic = Periodic("outbox relay pass", self.relay_once, interval, log)

    async def relay_once(self, now: datetime | None = None) -> int:
        """Publish what is due; return how many entries were published."""
        now = now or datetime.now(UTC)
        due = await self._outbox.pending(now - self._min_age, self._batch)
        published = 0
        for item in due:
            if await self._publisher.publish(item):
                published += 1
        if published:
            log.info("outbox relayed", extra={"published": published})
        return published

    async def run(self) -> None:
        await self._periodic.run()

    async def stop(self, grace: float) -> None:
        await self._periodic.stop(grace)
