"""In-memory job store and outbox: the fake beside ``dynamo_job_store`` for unit tests and
the callback benchmark. Same semantics: conditional writes, atomic audit and outbox."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from datetime import datetime

from driftgate.contracts.events import JobStatus
from driftgate.status.domain.job import AuditEntry, Job, TransitionRequest
from driftgate.status.domain.state_machine import TERMINAL
from driftgate.status.errors import TransitionConflictError
from driftgate.status.ports import JobQuery, OutboxItem, ReplayedWebhookError, WebhookMark


@dataclass
class InMemoryJobStore:
    jobs: dict[str, Job] = field(default_factory=dict)
    audit: dict[str, list[AuditEntry]] = field(default_factory=dict)
    outbox: dict[str, OutboxItem] = field(default_factory=dict)
    webhooks: dict[str, int] = field(default_factory=dict)

    async def create(self, job: Job, audit: AuditEntry, outbox: OutboxItem) -> Job | None:
        existing = self.jobs.get(job.job_id)
        if existing is not None:
            return existing
        self.jobs[job.job_id] = job
        self.audit[job.job_id] = [audit]
        self.outbox[outbox.event_id] = outbox
        return None

    async def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def _check_webhook(self, webhook: WebhookMark | None, now: datetime) -> None:
        if webhook is not None and self.webhooks.get(webhook.webhook_id, 0) > now.timestamp():
            raise ReplayedWebhookError(webhook.webhook_id)

    async def transition(
        self,
        request: TransitionRequest,
        audit: AuditEntry,
        outbox: OutboxItem,
        webhook: WebhookMark | None = None,
    ) -> None:
        self._check_webhook(webhook, request.at)
        job = self.jobs.get(request.job_id)
        if job is None or job.status != request.expected or job.version != request.expected_version:
            raise TransitionConflictError(f"job {request.job_id} is no longer {request.expected}")
        target = request.target
        self.jobs[job.job_id] = replace(
            job,
            status=target,
            status_message=request.message,
            updated_at=request.at,
            version=job.version + 1,
            last_heartbeat_at=request.at,
            started_at=request.at if target == JobStatus.RUNNING else job.started_at,
            finished_at=request.at if target in TERMINAL else job.finished_at,
            quality=request.quality or job.quality,
            metrics=request.metrics or job.metrics,
        )
        self.audit[job.job_id].append(audit)
        self.outbox[outbox.event_id] = outbox
        if webhook is not None:
            self.webhooks[webhook.webhook_id] = webhook.expires_at

    async def heartbeat(
        self, job_id: str, status: JobStatus, at: datetime, webhook: WebhookMark | None = None
    ) -> None:
        self._check_webhook(webhook, at)
        job = self.jobs.get(job_id)
        if job is None or job.status != status:
            raise TransitionConflictError(f"job {job_id} is no longer {status}")
        # A shallow copy with one field changed: ``replace`` re-runs __init__ over every field,
        # which dominates this fake's cost on the benchmarked heartbeat path.
        beat = copy.copy(job)
        object.__setattr__(beat, "last_heartbeat_at", at)
        self.jobs[job_id] = beat
        if webhook is not None:
            self.webhooks[webhook.webhook_id] = webhook.expires_at

    async def webhook_seen(self, webhook_id: str, now: datetime) -> bool:
        return self.webhooks.get(webhook_id, 0) > now.timestamp()

    async def list_jobs(
        self, query: JobQuery, limit: int, after: dict[str, str] | None
    ) -> tuple[list[Job], dict[str, str] | None]:
        rows = sorted(
            (
                j
                for j in self.jobs.values()
                if (query.status is None or j.status == query.status)
                and (query.job_type is None or j.job_type == query.job_type)
            ),
            key=lambda j: j.created_sk,
            reverse=True,
        )
        if after is not None:
            rows = [j for j in rows if j.created_sk < after["created_sk"]]
        page = rows[:limit]
        if len(rows) <= limit:
            return page, None
        return page, {"job_id": page[-1].job_id, "created_sk": page[-1].created_sk}

    async def jobs_in_status(self, status: JobStatus) -> list[Job]:
        return [j for j in self.jobs.values() if j.status == status]

    async def history(self, job_id: str) -> list[AuditEntry]:
        return list(self.audit.get(job_id, []))

    async def set_run(self, job_id: str, run_id: str) -> bool:
        job = self.jobs.get(job_id)
        if job is None or job.run_id is not None:
            return False
        self.jobs[job_id] = replace(job, run_id=run_id)
        return True

    async def mark_stalled(self, job_id: str, at: datetime, outbox: OutboxItem) -> bool:
        job = self.jobs.get(job_id)
        if job is None or job.status != JobStatus.SUBMITTED or job.stalled_at is not None:
            return False
        self.jobs[job_id] = replace(job, stalled_at=at)
        self.outbox[outbox.event_id] = outbox
        return True

    # The Outbox port, over the same dict the transitions write to.
    async def pending(self, created_before: datetime, limit: int) -> list[OutboxItem]:
        items = [i for i in self.outbox.values() if i.created_at < created_before]
        return sorted(items, key=lambda i: i.created_at)[:limit]

    async def delete(self, event_id: str) -> None:
        self.outbox.pop(event_id, None)
