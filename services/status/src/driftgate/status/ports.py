"""Ports the status handlers depend on; adapters in ``adapters/`` implement them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from driftgate.contracts.events import JobStatus
from driftgate.status.domain.job import AuditEntry, Job, TransitionRequest
from driftgate.status.domain.operator_keys import OperatorKeyRecord


@dataclass(frozen=True)
class OutboxItem:
    """An event committed with a state change, published (at least once) after the commit."""

    event_id: str
    topic: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class WebhookMark:
    """A verified callback's ``webhook-id``, remembered until ``expires_at`` (epoch seconds)."""

    webhook_id: str
    job_id: str
    expires_at: int


@dataclass(frozen=True)
class JobQuery:
    status: JobStatus | None = None
    job_type: str | None = None

    @property
    def scope(self) -> str:
        """What a cursor is bound to."""
        return f"status={self.status or ''}&type={self.job_type or ''}"


class ReplayedWebhookError(Exception):
    """The callback's webhook-id was already applied: the caller answers 200, changes nothing."""


class JobStore(Protocol):
    async def create(self, job: Job, audit: AuditEntry, outbox: OutboxItem) -> Job | None:
        """Create ``job`` atomically with its first audit entry and outbox event.

        Returns ``None`` when created, or the existing job when its id is taken.
        """
        ...

    async def get(self, job_id: str) -> Job | None: ...

    async def transition(
        self,
        request: TransitionRequest,
        audit: AuditEntry,
        outbox: OutboxItem,
        webhook: WebhookMark | None = None,
    ) -> None:
        """One conditional write on the expected status and version, with audit and outbox.

        Raises ``TransitionConflictError`` when the job moved, ``ReplayedWebhookError`` when
        the webhook id was already used.
        """
        ...

    async def heartbeat(
        self, job_id: str, status: JobStatus, at: datetime, webhook: WebhookMark | None = None
    ) -> None:
        """Record liveness while the job is still in ``status``; no transition, no audit."""
        ...

    async def webhook_seen(self, webhook_id: str, now: datetime) -> bool: ...

    async def list_jobs(
        self, query: JobQuery, limit: int, after: dict[str, str] | None
    ) -> tuple[list[Job], dict[str, str] | None]:
        """Newest first; returns the page and the position to continue after, if any."""
        ...

    async def jobs_in_status(self, status: JobStatus) -> list[Job]:
        """Every job currently in ``status`` (the sweeper's scan)."""
        ...

    async def history(self, job_id: str) -> list[AuditEntry]: ...

    async def set_run(self, job_id: str, run_id: str) -> bool:
        """Record the run started for the job; ``False`` if one was already recorded."""
        ...

    async def mark_stalled(self, job_id: str, at: datetime, outbox: OutboxItem) -> bool:
        """Flag a still-SUBMITTED job as stalled, with its event; ``False`` if already flagged."""
        ...


class Outbox(Protocol):
    async def pending(self, created_before: datetime, limit: int) -> list[OutboxItem]: ...

    async def delete(self, event_id: str) -> None: ...


class CallbackSecrets(Protocol):
    async def accepted(self) -> list[str]:
        """Every secret a callback may be signed with (current first, then previous)."""
        ...

    async def current(self) -> str:
        """The secret new runs sign with."""
        ...


class OperatorKeyStore(Protocol):
    async def find_by_hash(self, key_hash: str) -> OperatorKeyRecord | None: ...

    async def save(self, record: OperatorKeyRecord) -> None: ...


@dataclass(frozen=True)
class LaunchRequest:
    """Everything a run needs to report back: which job, where, and which secret to sign with."""

    job_id: str
    job_type: str
    params: dict[str, object]
    callback_url: str
    secret_ref: str


class JobLauncher(Protocol):
    async def launch(self, request: LaunchRequest) -> str:
        """Start the job's run (idempotent per job id); return the run id."""
        ...
