"""Signed callbacks over the FIFO callback queue, for runs that cannot reach the HTTP endpoint.

Workers send the same signed body and headers as message body and attributes, with
``MessageGroupId`` = job id (so one job's callbacks are applied in order) and
``MessageDeduplicationId`` = webhook-id. Each message goes through the same verification and
conditional write as the HTTP endpoint. The timestamp tolerance is measured against the time
SQS accepted the message, so a backlog does not turn valid callbacks stale.

Outcomes: applied, heartbeat or replayed → deleted. Refused for good (bad signature, invalid
body or transition, unknown job) → made visible again at once, so the queue's redrive policy
moves it to the DLQ after ``maxReceiveCount`` receives, visible to on-call. Transient failures
→ left to reappear after the visibility timeout.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from driftgate.contracts.webhook_signing import HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP
from driftgate.status.callbacks import CallbackDeps, handle_callback
from driftgate.status.errors import StatusError

if TYPE_CHECKING:
    from types_aiobotocore_sqs import SQSClient

log = logging.getLogger(__name__)
_HEADERS = (HEADER_ID, HEADER_TIMESTAMP, HEADER_SIGNATURE)


class CallbackQueueConsumer:
    def __init__(
        self, sqs: SQSClient, queue_url: str, deps: CallbackDeps, *, wait_seconds: int = 2
    ) -> None:
        self._sqs = sqs
        self._url = queue_url
        self._deps = deps
        self._wait = wait_seconds
        self._stop = asyncio.Event()

    async def handle(self, message: dict[str, Any]) -> bool:
        """Apply one message; ``True`` when it may be deleted."""
        attrs = message.get("MessageAttributes", {})
        headers = {name: attrs[name]["StringValue"] for name in _HEADERS if name in attrs}
        job_id = message.get("Attributes", {}).get("MessageGroupId", "")
        body = message["Body"].encode()
        sent = int(message.get("Attributes", {}).get("SentTimestamp", "0")) / 1000
        try:
            applied = await handle_callback(
                job_id, body, headers, self._deps, verify_at=sent if sent else None
            )
        except StatusError as exc:
            if exc.retryable:
                log.warning("queued callback will be retried", extra={"job_id": job_id})
                return False
            log.warning(
                "queued callback refused",
                extra={"job_id": job_id, "problem": exc.problem, "detail": str(exc)},
            )
            await self._sqs.change_message_visibility(
                QueueUrl=self._url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
            )
            return False
        log.info(
            "queued callback applied", extra={"job_id": job_id, "outcome": applied.outcome.value}
        )
        return True

    async def poll_once(self) -> int:
        """Receive one batch and handle it in order; return how many were deleted."""
        resp = await self._sqs.receive_message(
            QueueUrl=self._url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=self._wait,
            MessageAttributeNames=["All"],
            MessageSystemAttributeNames=["MessageGroupId", "SentTimestamp"],
        )
        deleted = 0
        for message in resp.get("Messages", []):
            if await self.handle(dict(message)):
                await self._sqs.delete_message(
                    QueueUrl=self._url, ReceiptHandle=message["ReceiptHandle"]
                )
                deleted += 1
        return deleted

    async def run(self) -> None:
        while not self._stop.is_set():
            try:
                await self.poll_once()
            except Exception as exc:  # a failed poll must not kill the service: retry
                log.warning("callback queue poll failed", extra={"error": str(exc)})
                await asyncio.sleep(1)

    async def stop(self, grace: float) -> None:
        self._stop.set()
