"""Response bodies of the job API, as pydantic models so the OpenAPI document derives from them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from driftgate.contracts.events import JobStatus, Quality
from driftgate.status.domain.job import AuditEntry, Job
from driftgate.status.transitions import Applied, Outcome


class JobView(BaseModel):
    job_id: str
    type: str
    params: dict[str, Any]
    status: JobStatus
    status_message: str
    created_at: datetime
    updated_at: datetime
    version: int
    start_deadline_at: datetime
    deadline_at: datetime
    heartbeat_seconds: int
    last_heartbeat_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    run_id: str | None = None
    stalled_at: datetime | None = None
    quality: Quality | None = None
    metrics: dict[str, float] = Field(default_factory=dict)

    @classmethod
    def of(cls, job: Job) -> JobView:
        return cls(
            job_id=job.job_id,
            type=job.job_type,
            params=job.params,
            status=job.status,
            status_message=job.status_message,
            created_at=job.created_at,
            updated_at=job.updated_at,
            version=job.version,
            start_deadline_at=job.start_deadline_at,
            deadline_at=job.deadline_at,
            heartbeat_seconds=job.heartbeat_seconds,
            last_heartbeat_at=job.last_heartbeat_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            run_id=job.run_id,
            stalled_at=job.stalled_at,
            quality=job.quality,
            metrics=job.metrics,
        )


class JobListView(BaseModel):
    jobs: list[JobView]
    next_cursor: str | None = Field(
        default=None, description="Pass as ?cursor= to get the next page; absent on the last"
    )


class HistoryEntryView(BaseModel):
    version: int
    from_status: JobStatus | None = Field(description="null for the submission itself")
    to_status: JobStatus
    at: datetime
    actor: str
    message: str
    event_id: str

    @classmethod
    def of(cls, entry: AuditEntry) -> HistoryEntryView:
        return cls(
            version=entry.version,
            from_status=entry.from_status,
            to_status=entry.to_status,
            at=entry.at,
            actor=entry.actor,
            message=entry.message,
            event_id=entry.event_id,
        )


class HistoryView(BaseModel):
    job_id: str
    entries: list[HistoryEntryView]


class CallbackResult(BaseModel):
    job_id: str
    outcome: Outcome = Field(description="transitioned, heartbeat, or replayed (a no-op)")
    status: JobStatus = Field(description="The job's status after the callback")

    @classmethod
    def of(cls, applied: Applied) -> CallbackResult:
        return cls(job_id=applied.job_id, outcome=applied.outcome, status=applied.status)


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    correlation_id: str
    instance: str | None = None
    current_status: JobStatus | None = Field(default=None, description="invalid-transition only")
    allowed_next: list[JobStatus] | None = Field(
        default=None, description="invalid-transition only"
    )
