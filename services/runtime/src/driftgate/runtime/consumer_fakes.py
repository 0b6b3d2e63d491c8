"""An in-memory SQS for unit tests of anything built on ``SqsConsumer``.

It keeps the semantics the consumer relies on: long polling, per-receive visibility timeouts,
receipt handles that change on every receive, ``ApproximateReceiveCount`` and a redrive policy
that moves a message to its DLQ on the receive after ``max_receive_count``.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError, EndpointConnectionError

if TYPE_CHECKING:
    from typing import Unpack

    from types_aiobotocore_sqs.type_defs import (
        ChangeMessageVisibilityRequestTypeDef,
        DeleteMessageRequestTypeDef,
        EmptyResponseMetadataTypeDef,
        MessageTypeDef,
        ReceiveMessageRequestTypeDef,
        ReceiveMessageResultTypeDef,
        ResponseMetadataTypeDef,
    )

_POLL_INTERVAL = 0.01


@dataclass
class FakeMessage:
    message_id: str
    body: str
    receive_count: int = 0
    visible_at: float = 0.0
    receipt: str | None = None


@dataclass
class FakeQueue:
    url: str
    visibility_timeout: int = 30
    max_receive_count: int | None = None
    dlq_url: str | None = None
    messages: list[FakeMessage] = field(default_factory=list)


class FakeSqs:
    """Satisfies ``SqsPort``; queues are addressed by URL like the real service."""

    def __init__(self) -> None:
        self.queues: dict[str, FakeQueue] = {}
        self.fail_receives = 0
        self.receive_calls = 0
        self.deleted: list[str] = []
        self.visibility_changes: list[tuple[str, int]] = []

    def create_queue(
        self,
        name: str,
        *,
        visibility_timeout: int = 30,
        max_receive_count: int | None = None,
        with_dlq: bool = False,
    ) -> str:
        """Create a queue (and ``<name>-dlq`` with a redrive policy if asked); returns its URL."""
        dlq_url = self.create_queue(f"{name}-dlq") if with_dlq else None
        url = f"https://sqs.fake.local/000000000000/{name}"
        self.queues[url] = FakeQueue(url, visibility_timeout, max_receive_count, dlq_url)
        return url

    def send(self, queue_url: str, body: str) -> str:
        message = FakeMessage(message_id=str(uuid.uuid4()), body=body)
        self.queues[queue_url].messages.append(message)
        return message.message_id

    def bodies(self, queue_url: str) -> list[str]:
        """Every message still in the queue, visible or in flight."""
        return [m.body for m in self.queues[queue_url].messages]

    def message(self, queue_url: str, message_id: str) -> FakeMessage:
        return next(m for m in self.queues[queue_url].messages if m.message_id == message_id)

    async def receive_message(
        self, **kwargs: Unpack[ReceiveMessageRequestTypeDef]
    ) -> ReceiveMessageResultTypeDef:
        self.receive_calls += 1
        queue = self._queue(kwargs["QueueUrl"], "ReceiveMessage")
        if self.fail_receives > 0:
            self.fail_receives -= 1
            raise EndpointConnectionError(endpoint_url=queue.url)
        limit = kwargs.get("MaxNumberOfMessages", 1)
        visibility = kwargs.get("VisibilityTimeout", queue.visibility_timeout)
        deadline = time.monotonic() + kwargs.get("WaitTimeSeconds", 0)
        while True:
            batch = self._take(queue, limit, visibility)
            if batch or time.monotonic() >= deadline:
                return {"Messages": batch, "ResponseMetadata": _metadata()}
            await asyncio.sleep(_POLL_INTERVAL)

    async def delete_message(
        self, **kwargs: Unpack[DeleteMessageRequestTypeDef]
    ) -> EmptyResponseMetadataTypeDef:
        queue = self._queue(kwargs["QueueUrl"], "DeleteMessage")
        message = self._by_receipt(queue, kwargs["ReceiptHandle"], "DeleteMessage")
        queue.messages.remove(message)
        self.deleted.append(message.message_id)
        return {"ResponseMetadata": _metadata()}

    async def change_message_visibility(
        self, **kwargs: Unpack[ChangeMessageVisibilityRequestTypeDef]
    ) -> EmptyResponseMetadataTypeDef:
        operation = "ChangeMessageVisibility"
        queue = self._queue(kwargs["QueueUrl"], operation)
        message = self._by_receipt(queue, kwargs["ReceiptHandle"], operation)
        if message.visible_at <= time.monotonic():
            raise _client_error("MessageNotInflight", operation)
        message.visible_at = time.monotonic() + kwargs["VisibilityTimeout"]
        self.visibility_changes.append((message.message_id, kwargs["VisibilityTimeout"]))
        return {"ResponseMetadata": _metadata()}

    def _take(self, queue: FakeQueue, limit: int, visibility: int) -> list[MessageTypeDef]:
        now = time.monotonic()
        batch: list[MessageTypeDef] = []
        for message in list(queue.messages):
            if len(batch) >= limit:
                break
            if message.visible_at > now:
                continue
            if (
                queue.dlq_url is not None
                and queue.max_receive_count is not None
                and message.receive_count >= queue.max_receive_count
            ):
                queue.messages.remove(message)
                message.visible_at, message.receipt = 0.0, None
                self.queues[queue.dlq_url].messages.append(message)
                continue
            message.receive_count += 1
            message.visible_at = now + visibility
            message.receipt = str(uuid.uuid4())
            batch.append(
                {
                    "MessageId": message.message_id,
                    "ReceiptHandle": message.receipt,
                    "Body": message.body,
                    "Attributes": {"ApproximateReceiveCount": str(message.receive_count)},
                }
            )
        return batch

    def _queue(self, url: str, operation: str) -> FakeQueue:
        try:
            return self.queues[url]
        except KeyError:
            raise _client_error("AWS.SimpleQueueService.NonExistentQueue", operation) from None

    def _by_receipt(self, queue: FakeQueue, receipt: str, operation: str) -> FakeMessage:
        for message in queue.messages:
            if message.receipt == receipt:
                return message
        raise _client_error("ReceiptHandleIsInvalid", operation)


def _metadata() -> ResponseMetadataTypeDef:
    return {
        "RequestId": str(uuid.uuid4()),
        "HTTPStatusCode": 200,
        "HTTPHeaders": {},
        "RetryAttempts": 0,
    }


def _client_error(code: str, operation: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}}, operation)
