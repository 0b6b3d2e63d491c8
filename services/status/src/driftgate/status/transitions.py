"""Applying a requested status to a job: heartbeat, transition or a clear refusal.

Read the job, decide with the state machine, then one conditional write on what was read.
If another writer got there first, read again and decide again (a RUNNING that lost to an
identical RUNNING becomes a heartbeat; a FAILED that lost to SUCCEEDED becomes invalid).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from driftgate.contracts.events import JobStatus, JobStatusChangedV1, Quality
from driftgate.status.domain import metrics as m
from driftgate.status.domain.job import AuditEntry, Job, TransitionRequest
from driftgate.status.domain.metrics import EmfMetrics
from driftgate.status.domain.state_machine import Move, allowed_next, classify_move
from driftgate.status.errors import (
    InvalidTransitionError,
    JobNotFoundError,
    TransitionConflictError,
)
from driftgate.status.ports import JobStore, WebhookMark
from driftgate.status.publishing import OutboxPublisher, outbox_item

_ATTEMPTS = 5


class Outcome(StrEnum):
    TRANSITIONED = "transitioned"
    HEARTBEAT = "heartbeat"
    REPLAYED = "replayed"


@dataclass(frozen=True)
class Applied:
    outcome: Outcome
    job_id: str
    status: JobStatus


@dataclass(frozen=True)
class StatusReport:
    """A requested status from a worker callback, the sweeper or an operator."""

    job_id: str
    status: JobStatus
    message: str
    actor: str
    quality: Quality | None = None
    metrics: dict[str, float] | None = None
    webhook: WebhookMark | None = None
    correlation_id: str | None = None


@dataclass
class TransitionDeps:
    store: JobStore
    outbox: OutboxPublisher
    metrics: EmfMetrics
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)


def _emit_metrics(deps: TransitionDeps, job: Job, target: JobStatus, at: datetime) -> None:
    if target not in (JobStatus.SUCCEEDED, JobStatus.FAILED):
        return
    counter = m.JOBS_COMPLETED if target == JobStatus.SUCCEEDED else m.JOBS_FAILED
    values: dict[str, tuple[float, str]] = {counter: (1, "Count")}
    if job.started_at is not None:
        values[m.JOB_PROCESSING_TIME] = ((at - job.started_at).total_seconds(), "Seconds")
    deps.metrics.emit(values, job.job_type, at)


async def apply_status(report: StatusReport, deps: TransitionDeps) -> Applied:
    """Apply ``report``; raises ``InvalidTransitionError`` (400) or ``JobNotFoundError``."""
    for _ in range(_ATTEMPTS):
        job = await deps.store.get(report.job_id)
        if job is None:
            raise JobNotFoundError(f"no job {report.job_id}")
        move = classify_move(job.status, report.status)
        at = deps.clock()
        if move is Move.INVALID:
            allowed = allowed_next(job.status)
            raise InvalidTransitionError(
                f"job {job.job_id} is {job.status.value}; it cannot move to "
                f"{report.status.value} (allowed next: {', '.join(allowed) or 'none'})",
                current=job.status.value,
                requested=report.status.value,
                allowed=allowed,
            )
        try:
            if move is Move.HEARTBEAT:
                await deps.store.heartbeat(job.job_id, job.status, at, report.webhook)
                return Applied(Outcome.HEARTBEAT, job.job_id, job.status)
            await transition_from(job, report, at, deps)
        except TransitionConflictError:
            continue
        return Applied(Outcome.TRANSITIONED, job.job_id, report.status)
    raise TransitionConflictError(f"job {report.job_id} kept changing; retry")


async def transition_from(
    job: Job, report: StatusReport, at: datetime, deps: TransitionDeps
) -> None:
    """The conditional write from ``job`` exactly as read (its status and version)."""
    version = job.version + 1
    data = JobStatusChangedV1(
        job_id=job.job_id,
        job_type=job.job_type,
        from_status=job.status,
        to_status=report.status,
        message=report.message,
        actor=report.actor,
        version=version,
        changed_at=at,
        quality=report.quality,
    )
    item = outbox_item(data, job.job_id, at, report.correlation_id)
    audit = AuditEntry(
        job_id=job.job_id,
        version=version,
        from_status=job.status,
        to_status=report.status,
        at=at,
        actor=report.actor,
        message=report.message,
        event_id=item.event_id,
    )
    request = TransitionRequest(
        job_id=job.job_id,
        expected=job.status,
        expected_version=job.version,
        target=report.status,
        message=report.message,
        actor=report.actor,
        at=at,
        quality=report.quality,
        metrics=report.metrics or {},
    )
    await deps.store.transition(request, audit, item, report.webhook)
    _emit_metrics(deps, job, report.status, at)
    await deps.outbox.publish(item)
