"""A job, its audit entries, and how job ids derive from idempotency keys."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import orjson

from driftgate.contracts.events import JobStatus, Quality


@dataclass(frozen=True)
class Job:
    job_id: str
    job_type: str
    params: dict[str, Any]
    status: JobStatus
    status_message: str
    created_at: datetime
    updated_at: datetime
    version: int
    submitted_by: str
    request_hash: str
    start_deadline_at: datetime
    deadline_at: datetime
    heartbeat_seconds: int
    last_heartbeat_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    run_id: str | None = None
    stalled_at: datetime | None = None
    quality: Quality | None = None
    metrics: dict[str, float] = field(default_factory=dict)

    @property
    def created_sk(self) -> str:
        """GSI sort key: creation time then id, so listings are newest first and stable."""
        return f"{self.created_at.isoformat()}#{self.job_id}"

    def overdue(self, now: datetime) -> bool:
        """RUNNING past its deadline, or silent for longer than its heartbeat interval."""
        if self.status != JobStatus.RUNNING:
            return False
        last = self.last_heartbeat_at or self.started_at or self.updated_at
        return now > self.deadline_at or now > last + timedelta(seconds=self.heartbeat_seconds)

    def stalled(self, now: datetime) -> bool:
        """SUBMITTED past its start deadline and not yet reported."""
        return (
            self.status == JobStatus.SUBMITTED
            and self.stalled_at is None
            and now > self.start_deadline_at
        )


@dataclass(frozen=True)
class AuditEntry:
    """One committed transition (creation counts: from ``None`` to SUBMITTED)."""

    job_id: str
    version: int
    from_status: JobStatus | None
    to_status: JobStatus
    at: datetime
    actor: str
    message: str
    event_id: str


@dataclass(frozen=True)
class TransitionRequest:
    job_id: str
    expected: JobStatus
    expected_version: int
    target: JobStatus
    message: str
    actor: str
    at: datetime
    quality: Quality | None = None
    metrics: dict[str, float] = field(default_factory=dict)


def job_id_for(scope: str, idempotency_key: str) -> str:
    """The same (caller, Idempotency-Key) always names the same job."""
    digest = hashlib.sha256(f"{scope}\x00{idempotency_key}".encode()).digest()
    return "job_" + base64.b32encode(digest).decode().lower()[:26]


def request_hash(job_type: str, params: dict[str, Any]) -> str:
    """Fingerprint of a submission, to tell a retry from a reuse of the key for other work."""
    canonical = orjson.dumps({"type": job_type, "params": params}, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(canonical).hexdigest()
