"""The job API's use cases: authenticate operators, submit, read, list and audit jobs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from driftgate.contracts.events import JobStatus, JobSubmittedV1
from driftgate.contracts.events.job import JOB_TYPE_PATTERN
from driftgate.status.domain import metrics as m
from driftgate.status.domain.cursor import CursorCodec
from driftgate.status.domain.job import AuditEntry, Job, job_id_for, request_hash
from driftgate.status.domain.operator_keys import OPERATOR_SCOPE, OperatorKeyRecord, hash_key
from driftgate.status.domain.operator_keys import key_matches as operator_key_matches
from driftgate.status.errors import (
    IdempotencyConflictError,
    InvalidRequestError,
    JobNotFoundError,
    UnauthenticatedError,
)
from driftgate.status.ports import JobQuery, JobStore, OperatorKeyStore
from driftgate.status.publishing import outbox_item
from driftgate.status.transitions import TransitionDeps

MAX_PAGE = 100
_IDEMPOTENCY_MAX = 255


class SubmitJob(BaseModel):
    """The body of ``POST /v1/jobs``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: str = Field(pattern=JOB_TYPE_PATTERN, description="What kind of job to run")
    params: dict[str, Any] = Field(default_factory=dict)
    deadline_seconds: int | None = Field(default=None, gt=0, le=7 * 24 * 3600)
    heartbeat_seconds: int | None = Field(default=None, gt=0, le=24 * 3600)
    start_deadline_seconds: int | None = Field(default=None, gt=0, le=24 * 3600)


@dataclass(frozen=True)
class JobDefaults:
    deadline_seconds: int
    heartbeat_seconds: int
    start_deadline_seconds: int


@dataclass
class StatusDeps:
    store: JobStore
    keys: OperatorKeyStore
    transitions: TransitionDeps
    cursors: CursorCodec
    defaults: JobDefaults


async def authenticate(keys: OperatorKeyStore, api_key: str | None) -> OperatorKeyRecord:
    """401 for a missing, unknown, revoked or non-operator key."""
    if not api_key:
        raise UnauthenticatedError("send an operator API key in the X-Api-Key header")
    record = await keys.find_by_hash(hash_key(api_key))
    if (
        record is None
        or record.revoked
        or record.scope != OPERATOR_SCOPE
        or not operator_key_matches(record, api_key)
    ):
        raise UnauthenticatedError("the operator API key is unknown or revoked")
    return record


@dataclass(frozen=True)
class Submitted:
    job: Job
    replayed: bool


async def submit_job(
    cmd: SubmitJob,
    idempotency_key: str | None,
    operator: OperatorKeyRecord,
    deps: StatusDeps,
    correlation_id: str | None = None,
) -> Submitted:
    """Create a SUBMITTED job (and its ``job.submitted.v1``), once per Idempotency-Key."""
    if not idempotency_key or len(idempotency_key) > _IDEMPOTENCY_MAX:
        raise InvalidRequestError(f"send an Idempotency-Key header (1-{_IDEMPOTENCY_MAX} chars)")
    at = deps.transitions.clock()
    d = deps.defaults
    job = Job(
        job_id=job_id_for(operator.key_id, idempotency_key),
        job_type=cmd.type,
        params=cmd.params,
        status=JobStatus.SUBMITTED,
        status_message="submitted",
        created_at=at,
        updated_at=at,
        version=1,
        submitted_by=operator.key_id,
        request_hash=request_hash(cmd.type, cmd.params),
        start_deadline_at=at
        + timedelta(seconds=cmd.start_deadline_seconds or d.start_deadline_seconds),
        deadline_at=at + timedelta(seconds=cmd.deadline_seconds or d.deadline_seconds),
        heartbeat_seconds=cmd.heartbeat_seconds or d.heartbeat_seconds,
    )
    item = outbox_item(
        JobSubmittedV1(
            job_id=job.job_id,
            job_type=job.job_type,
            params=job.params,
            submitted_at=at,
            start_deadline_at=job.start_deadline_at,
            deadline_at=job.deadline_at,
            heartbeat_seconds=job.heartbeat_seconds,
        ),
        job.job_id,
        at,
        correlation_id,
    )
    audit = AuditEntry(
        job_id=job.job_id,
        version=1,
        from_status=None,
        to_status=JobStatus.SUBMITTED,
        at=at,
        actor=operator.key_id,
        message="submitted",
        event_id=item.event_id,
    )
    existing = await deps.store.create(job, audit, item)
    if existing is not None:
        if existing.request_hash != job.request_hash:
            raise IdempotencyConflictError(
                f"Idempotency-Key {idempotency_key!r} was already used for a different job"
            )
        return Submitted(existing, replayed=True)
    deps.transitions.metrics.emit({m.JOBS_CREATED: (1, "Count")}, job.job_type, at)
    await deps.transitions.outbox.publish(item)
    return Submitted(job, replayed=False)


async def get_job(job_id: str, deps: StatusDeps) -> Job:
    job = await deps.store.get(job_id)
    if job is None:
        raise JobNotFoundError(f"no job {job_id}")
    return job


async def job_history(job_id: str, deps: StatusDeps) -> list[AuditEntry]:
    await get_job(job_id, deps)
    return await deps.store.history(job_id)


@dataclass(frozen=True)
class JobPage:
    jobs: list[Job]
    next_cursor: str | None


def parse_query(status: str | None, job_type: str | None) -> JobQuery:
    try:
        parsed_status = JobStatus(status) if status else None
    except ValueError:
        allowed = ", ".join(s.value for s in JobStatus)
        raise InvalidRequestError(f"status must be one of {allowed}") from None
    return JobQuery(status=parsed_status, job_type=job_type or None)


def parse_limit(raw: str | None) -> int:
    try:
        limit = int(raw) if raw else 20
    except ValueError:
        raise InvalidRequestError("limit must be an integer") from None
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidRequestError(f"limit must be between 1 and {MAX_PAGE}")
    return limit


async def list_jobs(query: JobQuery, limit: int, cursor: str | None, deps: StatusDeps) -> JobPage:
    """Newest first; ``cursor`` continues a previous page of the same query."""
    after = deps.cursors.decode(cursor, query.scope) if cursor else None
    jobs, position = await deps.store.list_jobs(query, limit, after)
    next_cursor = deps.cursors.encode(position, query.scope) if position else None
    return JobPage(jobs, next_cursor)
