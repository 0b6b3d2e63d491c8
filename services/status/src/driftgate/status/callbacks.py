"""Signed worker callbacks: size limit, Standard Webhooks verification, replay guard, apply.

Order matters: the body is bounded before anything else reads it, the signature is checked
before the body is parsed, and the webhook id is recorded in the same transaction as the
change it caused, so a retried callback is a no-op only if its first delivery took effect.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass

from pydantic import ValidationError

from driftgate.contracts.events import JobCallbackV1, JobStatus
from driftgate.contracts.webhook_signing import WebhookVerificationError, verify
from driftgate.status.errors import (
    BadSignatureError,
    InvalidRequestError,
    JobNotFoundError,
    PayloadTooLargeError,
)
from driftgate.status.ports import CallbackSecrets, ReplayedWebhookError, WebhookMark
from driftgate.status.transitions import (
    Applied,
    Outcome,
    StatusReport,
    TransitionDeps,
    apply_status,
)

WORKER_ACTOR = "worker"


@dataclass
class CallbackDeps:
    transitions: TransitionDeps
    secrets: CallbackSecrets
    max_body_bytes: int
    tolerance_seconds: int
    webhook_ttl_seconds: int


async def read_limited(body: AsyncIterator[bytes], limit: int) -> bytes:
    """Read at most ``limit`` bytes; fail as soon as the body passes it (chunked included)."""
    parts: list[bytes] = []
    size = 0
    async for chunk in body:
        size += len(chunk)
        if size > limit:
            raise PayloadTooLargeError(f"callback body exceeds the {limit}-byte limit")
        parts.append(chunk)
    return b"".join(parts)


async def handle_callback(
    job_id: str,
    body: bytes,
    headers: Mapping[str, str],
    deps: CallbackDeps,
    correlation_id: str | None = None,
    *,
    verify_at: float | None = None,
) -> Applied:
    """Verify and apply one callback whose body was already read within the limit.

    ``verify_at`` (epoch seconds) replaces "now" for the timestamp tolerance: the callback
    queue passes the time SQS accepted the message.
    """
    if len(body) > deps.max_body_bytes:
        raise PayloadTooLargeError(f"callback body exceeds the {deps.max_body_bytes}-byte limit")
    clock = deps.transitions.clock
    try:
        signed = verify(
            await deps.secrets.accepted(),
            body,
            headers,
            now=verify_at if verify_at is not None else clock().timestamp(),
            tolerance_seconds=deps.tolerance_seconds,
        )
    except WebhookVerificationError as exc:
        raise BadSignatureError(str(exc)) from exc
    store = deps.transitions.store
    if await store.webhook_seen(signed.msg_id, clock()):
        return Applied(Outcome.REPLAYED, job_id, (await _current(job_id, deps)))
    try:
        callback = JobCallbackV1.model_validate_json(body)
    except ValidationError as exc:
        raise InvalidRequestError(f"invalid job.callback.v1 body: {exc}") from exc
    mark = WebhookMark(
        webhook_id=signed.msg_id,
        job_id=job_id,
        expires_at=int(clock().timestamp()) + deps.webhook_ttl_seconds,
    )
    report = StatusReport(
        job_id=job_id,
        status=callback.status,
        message=callback.message,
        actor=WORKER_ACTOR,
        quality=callback.quality,
        metrics=callback.metrics,
        webhook=mark,
        correlation_id=correlation_id,
    )
    try:
        return await apply_status(report, deps.transitions)
    except ReplayedWebhookError:
        return Applied(Outcome.REPLAYED, job_id, await _current(job_id, deps))


async def _current(job_id: str, deps: CallbackDeps) -> JobStatus:
    job = await deps.transitions.store.get(job_id)
    if job is None:
        raise JobNotFoundError(f"no job {job_id}")
    return job.status
