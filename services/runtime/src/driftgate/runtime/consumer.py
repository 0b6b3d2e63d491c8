"""The SQS consumer every service runs: long polling, bounded concurrency, at-least-once.

A message is deleted only after its handler succeeded and its event id was marked done. Failed
messages stay in the queue with a visibility backoff; the queue's redrive policy (topology) moves
them to the DLQ after ``maxReceiveCount`` receives, so this code never writes to a DLQ itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from driftgate.runtime import telemetry
from driftgate.runtime.correlation import bind_correlation_id
from driftgate.runtime.dedup import DedupStore
from driftgate.runtime.errors import DriftgateError
from driftgate.runtime.inbound import decode_body
from driftgate.runtime.message_visibility import SQS_MAX_VISIBILITY, MessageVisibility, retry_delay
from driftgate.runtime.routing import EventHandler, EventRouter, UnroutableEventError

if TYPE_CHECKING:
    from typing import Unpack

    from types_aiobotocore_sqs.type_defs import (
        ChangeMessageVisibilityRequestTypeDef,
        DeleteMessageRequestTypeDef,
        EmptyResponseMetadataTypeDef,
        MessageTypeDef,
        ReceiveMessageRequestTypeDef,
        ReceiveMessageResultTypeDef,
    )

log = logging.getLogger(__name__)

__all__ = [
    "EventHandler",
    "EventRouter",
    "SqsConsumer",
    "SqsPort",
    "UnroutableEventError",
    "retry_delay",
]

T = TypeVar("T")

SQS_MAX_BATCH = 10
_RECEIVE_BACKOFF_MAX = 30.0


class SqsPort(Protocol):
    """The SQS calls the consumer makes; an aiobotocore SQS client satisfies it."""

    async def receive_message(
        self, **kwargs: Unpack[ReceiveMessageRequestTypeDef]
    ) -> ReceiveMessageResultTypeDef: ...

    async def delete_message(
        self, **kwargs: Unpack[DeleteMessageRequestTypeDef]
    ) -> EmptyResponseMetadataTypeDef: ...

    async def change_message_visibility(
        self, **kwargs: Unpack[ChangeMessageVisibilityRequestTypeDef]
    ) -> EmptyResponseMetadataTypeDef: ...


@dataclass
class _EventLock:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


class SqsConsumer:
    """Polls one queue and runs ``handler`` for each event, at most ``max_concurrency`` at once."""

    def __init__(
        self,
        sqs: SqsPort,
        queue_url: str,
        handler: EventHandler,
        *,
        name: str,
        dedup: DedupStore,
        max_messages: int = SQS_MAX_BATCH,
        max_concurrency: int = 10,
        wait_time_seconds: int = 20,
        visibility_timeout: int = 60,
        shutdown_grace: float = 30.0,
        retry_base_seconds: int = 2,
        retry_max_seconds: int = 300,
    ) -> None:
        if not 1 <= max_messages <= SQS_MAX_BATCH:
            raise ValueError(f"max_messages must be within 1..{SQS_MAX_BATCH}")
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        if not 0 <= wait_time_seconds <= 20:
            raise ValueError("wait_time_seconds must be within 0..20")
        if not 1 <= visibility_timeout <= SQS_MAX_VISIBILITY:
            raise ValueError(f"visibility_timeout must be within 1..{SQS_MAX_VISIBILITY}")
        self._sqs = sqs
        self._queue_url = queue_url
        self._queue_name = queue_url.rstrip("/").rsplit("/", 1)[-1]
        self._handler = handler
        self._name = name
        self._dedup = dedup
        self._max_messages = max_messages
        self._wait = wait_time_seconds
        self._visibility = visibility_timeout
        self._grace = shutdown_grace
        self._retry_base = retry_base_seconds
        self._retry_max = retry_max_seconds
        self._slots = asyncio.Semaphore(max_concurrency)
        self._stopping = asyncio.Event()
        self._finished = asyncio.Event()
        self._started = False
        self._polling = False
        self._tasks: set[asyncio.Task[None]] = set()
        self._event_locks: dict[str, _EventLock] = {}
        self._abandoned: list[str] = []
        self._visibility_of = MessageVisibility(sqs, queue_url, visibility_timeout)

    @property
    def name(self) -> str:
        return self._name

    @property
    def ready(self) -> bool:
        """True once a receive succeeded, while receives keep succeeding and until stop."""
        return self._polling and not self._stopping.is_set()

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    async def run(self) -> None:
        """Poll until ``stop()``; then drain in-flight handlers within the grace period."""
        if self._started:
            raise RuntimeError(f"consumer {self._name} has already run")
        self._started = True
        stop_waiter = asyncio.create_task(self._stopping.wait())
        log.info("consumer started", extra={"consumer": self._name, "queue": self._queue_name})
        try:
            await self._poll(stop_waiter)
            await self._drain()
        finally:
            self._polling = False
            stop_waiter.cancel()
            await asyncio.gather(stop_waiter, return_exceptions=True)
            await self._cancel_in_flight()
            self._finished.set()
            log.info("consumer stopped", extra={"consumer": self._name})

    async def stop(self, grace: float | None = None) -> None:
        """Stop polling and wait until in-flight handlers finished or the grace period ran out."""
        if not self._stopping.is_set():
            if grace is not None:
                self._grace = grace
            log.info("consumer stopping", extra={"consumer": self._name, "grace": self._grace})
            self._stopping.set()
        # A handler that stops its own consumer must not wait for itself.
        if self._started and asyncio.current_task() not in self._tasks:
            await self._finished.wait()

    async def _poll(self, stop_waiter: asyncio.Task[Any]) -> None:
        failures = 0
        while not self._stopping.is_set():
            slots = await self._acquire_slots(stop_waiter)
            if slots == 0:
                return
            receive = await self._unless_stopping(self._receive(slots), stop_waiter)
            if receive.cancelled():
                self._release_slots(slots)
                return
            if (exc := receive.exception()) is not None:
                self._release_slots(slots)
                self._polling = False
                failures += 1
                delay = min(_RECEIVE_BACKOFF_MAX, 0.5 * 2 ** min(failures - 1, 10))
                log.warning(
                    "receive failed; retrying",
                    extra={"consumer": self._name, "error": repr(exc), "retry_in": delay},
                )
                await self._sleep_unless_stopping(delay)
                continue
            messages = receive.result()
            failures = 0
            self._polling = True
            self._release_slots(slots - len(messages))
            for message in messages:
                task = asyncio.create_task(self._process(message))
                self._tasks.add(task)
                task.add_done_callback(self._on_task_done)

    async def _acquire_slots(self, stop_waiter: asyncio.Task[Any]) -> int:
        """Wait for one free handler slot, then take up to a batch's worth without waiting."""
        first = await self._unless_stopping(self._slots.acquire(), stop_waiter)
        if first.cancelled():
            return 0
        if self._stopping.is_set():
            self._slots.release()
            return 0
        slots = 1
        while slots < self._max_messages and not self._slots.locked():
            await self._slots.acquire()
            slots += 1
        return slots

    def _release_slots(self, count: int) -> None:
        for _ in range(count):
            self._slots.release()

    def _on_task_done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._slots.release()

    async def _unless_stopping(
        self, work: Awaitable[T], stop_waiter: asyncio.Task[Any]
    ) -> asyncio.Future[T]:
        """Run ``work`` until it finishes or stop is requested; then it is cancelled."""
        future = asyncio.ensure_future(work)
        try:
            await asyncio.wait({future, stop_waiter}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            if not future.done():
                future.cancel()
                await asyncio.gather(future, return_exceptions=True)
        return future

    async def _sleep_unless_stopping(self, delay: float) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(delay):
                await self._stopping.wait()

    async def _receive(self, count: int) -> list[MessageTypeDef]:
        response = await self._sqs.receive_message(
            QueueUrl=self._queue_url,
            MaxNumberOfMessages=count,
            WaitTimeSeconds=self._wait,
            VisibilityTimeout=self._visibility,
            MessageSystemAttributeNames=["ApproximateReceiveCount"],
        )
        return response.get("Messages", [])

    async def _process(self, message: MessageTypeDef) -> None:
        receipt = message.get("ReceiptHandle", "")
        receive_count = int(message.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
        fields: dict[str, Any] = {
            "consumer": self._name,
            "message_id": message.get("MessageId"),
            "receive_count": receive_count,
        }
        try:
            async with self._visibility_of.heartbeat(receipt, fields):
                event = decode_body(message.get("Body", ""))
                fields.update(event_id=event.id, event_type=event.type)
                async with self._exclusive(event.id):
                    if await self._dedup.seen(self._name, event.id):
                        log.info("duplicate event skipped", extra=fields)
                    else:
                        # The producer's correlation id follows the event into our logs.
                        with (
                            bind_correlation_id(event.correlationid),
                            telemetry.consumer_span(
                                f"handle {event.type}", event, self._queue_name
                            ),
                        ):
                            await self._handler(event)
                        await self._dedup.mark_done(self._name, event.id)
        except asyncio.CancelledError:
            self._abandoned.append(receipt)
            log.warning("handler cancelled; message left for redelivery", extra=fields)
            raise
        except Exception as exc:  # every failure leaves the message for redelivery or the DLQ
            await self._after_failure(receipt, receive_count, exc, fields)
            return
        await self._delete(receipt, fields)

    async def _after_failure(
        self, receipt: str, receive_count: int, exc: Exception, fields: dict[str, Any]
    ) -> None:
        # Unknown exceptions are treated as retryable: the redrive policy still bounds them.
        retryable = exc.retryable if isinstance(exc, DriftgateError) else True
        delay = retry_delay(receive_count, self._retry_base, self._retry_max) if retryable else 0
        log.warning(
            "handler failed; message left for redelivery",
            extra={**fields, "error": repr(exc), "retryable": retryable, "retry_in": delay},
            exc_info=exc,
        )
        await self._visibility_of.set(receipt, delay, fields)

    async def _delete(self, receipt: str, fields: dict[str, Any]) -> None:
        try:
            await self._sqs.delete_message(QueueUrl=self._queue_url, ReceiptHandle=receipt)
        except Exception as exc:  # the event is marked done, so a redelivery is skipped
            log.warning("delete failed", extra={**fields, "error": repr(exc)})

    @contextlib.asynccontextmanager
    async def _exclusive(self, event_id: str) -> AsyncIterator[None]:
        """Serialise concurrent deliveries of one event, so the second one sees the first's mark."""
        entry = self._event_locks.setdefault(event_id, _EventLock())
        entry.users += 1
        try:
            async with entry.lock:
                yield
        finally:
            entry.users -= 1
            if entry.users == 0:
                del self._event_locks[event_id]

    async def _drain(self) -> None:
        if self._tasks:
            log.info(
                "draining in-flight handlers",
                extra={"consumer": self._name, "in_flight": len(self._tasks), "grace": self._grace},
            )
            _, pending = await asyncio.wait(set(self._tasks), timeout=self._grace)
            if pending:
                log.warning(
                    "grace period over; cancelling handlers, their messages will be redelivered",
                    extra={"consumer": self._name, "cancelled": len(pending)},
                )
                await self._cancel_in_flight()
        await self._release_abandoned()

    async def _cancel_in_flight(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _release_abandoned(self) -> None:
        """Make cancelled messages visible again now, instead of after their timeout."""
        abandoned, self._abandoned = self._abandoned, []
        await self._visibility_of.release(abandoned, {"consumer": self._name})
