"""Human review of schema versions (no automatic healing): approve or reject, audited.

Approving makes a version ACTIVE and deprecates the version that was ACTIVE; rejecting records
the decision on a BREAKING version, which stays BREAKING. Both publish
``schema.version.reviewed.v1``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from driftgate.contracts import CloudEvent
from driftgate.contracts.events import SchemaVersionReviewedV1
from driftgate.profiler.announcements import event_id
from driftgate.profiler.domain.registry import Review, SchemaVersion, active_of
from driftgate.profiler.domain.status import ReviewDecision, VersionStatus
from driftgate.profiler.errors import ReviewNotAllowedError, UnknownVersionError
from driftgate.profiler.ports import SchemaRegistry
from driftgate.runtime.publisher import EventPublisher
from driftgate.runtime.topology import SCHEMA_EVENTS_TOPIC

REVIEW_SOURCE = "/driftgate/cli"


@dataclass(frozen=True)
class ReviewOutcome:
    version: SchemaVersion
    deprecated: SchemaVersion | None
    event: CloudEvent[SchemaVersionReviewedV1]


async def find_version(registry: SchemaRegistry, source_id: str, number: int) -> SchemaVersion:
    for version in await registry.history(source_id):
        if version.version == number:
            return version
    raise UnknownVersionError(f"source {source_id} has no schema version {number}")


async def review_version(
    registry: SchemaRegistry,
    publisher: EventPublisher,
    *,
    source_id: str,
    number: int,
    decision: ReviewDecision,
    reviewer: str,
    note: str,
    now: datetime,
) -> ReviewOutcome:
    """Apply and audit one review, then announce it."""
    if not note.strip():
        raise ReviewNotAllowedError("a review needs a note saying why")
    history = await registry.history(source_id)
    version = next((v for v in history if v.version == number), None)
    if version is None:
        raise UnknownVersionError(f"source {source_id} has no schema version {number}")
    active = active_of(history)
    deprecate: SchemaVersion | None = None
    if decision is ReviewDecision.APPROVED:
        if version.status is VersionStatus.ACTIVE:
            raise ReviewNotAllowedError(f"{source_id} v{number} is already ACTIVE")
        deprecate = active
        updated = version.with_status(VersionStatus.ACTIVE, now)
    else:
        if version.status is not VersionStatus.BREAKING:
            raise ReviewNotAllowedError(
                f"only BREAKING versions can be rejected; {source_id} v{number} is "
                f"{version.status.value}"
            )
        updated = version
    review = Review(decision, reviewer, note.strip(), now)
    await registry.review(updated, review, deprecate)
    stored = replace(updated, reviews=(*version.reviews, review))
    event = CloudEvent.wrap(
        SchemaVersionReviewedV1(
            source_id=source_id,
            version=number,
            decision=decision.value,
            reviewer=reviewer,
            note=review.note,
            status=stored.status.value,
            deprecated_version=deprecate.version if deprecate else None,
            reviewed_at=now,
        ),
        source=REVIEW_SOURCE,
        subject=f"sources/{source_id}/schemas/{number}",
        event_id=event_id("reviewed", source_id, number, len(stored.reviews)),
    )
    await publisher.publish(SCHEMA_EVENTS_TOPIC, event)
    return ReviewOutcome(stored, deprecate, event)
