import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from driftgate.contracts import CloudEvent
from driftgate.contracts.events import PayloadLandedV1, SchemaDriftDetectedV1
from driftgate.runtime.consumer import (
    EventRouter,
    SqsConsumer,
    UnroutableEventError,
    retry_delay,
)
from driftgate.runtime.consumer_fakes import FakeSqs
from driftgate.runtime.correlation import correlation_id
from driftgate.runtime.dedup import InMemoryDedupStore
from driftgate.runtime.errors import PermanentError, TransientError
from driftgate.runtime.telemetry import trace_id_hex

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


def landed(ingest_id: str = "ing-1", **envelope: Any) -> CloudEvent[PayloadLandedV1]:
    data = PayloadLandedV1(
        ingest_id=ingest_id,
        source_id="orders",
        bucket="raw-bucket",
        key=f"raw/source=orders/date=2024-01-01/{ingest_id}.json",
        content_type="application/json",
        size_bytes=12,
        sha256="b" * 64,
        received_at=datetime(2024, 1, 1, tzinfo=UTC),
    )
    return CloudEvent.wrap(data, source="/driftgate/ingest", **envelope)


def drift() -> CloudEvent[SchemaDriftDetectedV1]:
    data = SchemaDriftDetectedV1(
        source_id="orders", ingest_id="ing-2", previous_version=1, new_version=2, breaking=True
    )
    return CloudEvent.wrap(data, source="/driftgate/profiler")


class Recorder:
    """A handler that records events and can be told to fail, block or sleep."""

    def __init__(self, fail_with: list[Exception] | None = None, delay: float = 0.0) -> None:
        self.events: list[CloudEvent[Any]] = []
        self.trace_ids: list[str | None] = []
        self.fail_with = list(fail_with or [])
        self.delay = delay
        self.active = 0
        self.max_active = 0
        self.release = asyncio.Event()
        self.block = False
        self.started = asyncio.Event()

    async def __call__(self, event: CloudEvent[Any]) -> None:
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        self.started.set()
        try:
            self.trace_ids.append(trace_id_hex())
            if self.block:
                await self.release.wait()
            if self.delay:
                await asyncio.sleep(self.delay)
            if self.fail_with:
                raise self.fail_with.pop(0)
            self.events.append(event)
        finally:
            self.active -= 1


def make_consumer(
    sqs: FakeSqs, url: str, handler: Any, dedup: InMemoryDedupStore | None = None, **kw: Any
) -> SqsConsumer:
    options: dict[str, Any] = {
        "wait_time_seconds": 1,
        "visibility_timeout": 5,
        "retry_base_seconds": 0,
        "shutdown_grace": 5.0,
    }
    options.update(kw)
    return SqsConsumer(
        sqs,
        url,
        handler,
        name="test-consumer",
        dedup=dedup if dedup is not None else InMemoryDedupStore(),
        **options,
    )


async def run_until(consumer: SqsConsumer, done: Callable[[], bool], timeout: float = 15) -> None:
    task = asyncio.create_task(consumer.run())
    try:
        async with asyncio.timeout(timeout):
            while not done():
                await asyncio.sleep(0.01)
    finally:
        await consumer.stop()
        await task


async def test_handled_message_is_deleted_and_marked_done() -> None:
    sqs, handler, dedup = FakeSqs(), Recorder(), InMemoryDedupStore()
    url = sqs.create_queue("q")
    event = landed()
    sqs.send(url, event.to_json().decode())
    consumer = make_consumer(sqs, url, handler, dedup)
    await run_until(consumer, lambda: not sqs.bodies(url))
    assert [e.id for e in handler.events] == [event.id]
    assert await dedup.seen("test-consumer", event.id)
    assert consumer.in_flight == 0


async def test_sns_wrapped_and_raw_bodies_are_both_handled() -> None:
    sqs, handler = FakeSqs(), Recorder()
    url = sqs.create_queue("q")
    raw, wrapped = landed("raw"), landed("wrapped")
    sqs.send(url, raw.to_json().decode())
    sqs.send(url, json.dumps({"Type": "Notification", "Message": wrapped.to_json().decode()}))
    await run_until(make_consumer(sqs, url, handler), lambda: not sqs.bodies(url))
    assert sorted(e.id for e in handler.events) == sorted([raw.id, wrapped.id])


async def test_retryable_failure_leaves_message_with_backoff_then_redelivers() -> None:
    sqs = FakeSqs()
    url = sqs.create_queue("q")
    handler = Recorder(fail_with=[TransientError("downstream busy")])
    message_id = sqs.send(url, landed().to_json().decode())
    consumer = make_consumer(sqs, url, handler, retry_base_seconds=1)
    await run_until(consumer, lambda: bool(handler.events))
    assert sqs.visibility_changes[0] == (message_id, 1)
    assert sqs.deleted == [message_id]
    assert len(handler.events) == 1


async def test_failed_message_is_not_deleted() -> None:
    sqs = FakeSqs()
    url = sqs.create_queue("q")
    handler = Recorder(fail_with=[RuntimeError("bug")])
    message_id = sqs.send(url, landed().to_json().decode())
    consumer = make_consumer(sqs, url, handler, retry_base_seconds=60)
    await run_until(consumer, lambda: bool(sqs.visibility_changes))
    assert sqs.bodies(url) and sqs.deleted == []
    assert sqs.visibility_changes == [(message_id, 60)]  # unknown errors count as retryable


async def test_permanent_failure_reaches_the_dlq_through_the_redrive_policy() -> None:
    sqs = FakeSqs()
    url = sqs.create_queue("q", max_receive_count=2, with_dlq=True)
    dlq = url + "-dlq"
    handler = Recorder(fail_with=[PermanentError("never") for _ in range(5)])
    body = landed().to_json().decode()
    sqs.send(url, body)
    await run_until(
        make_consumer(sqs, url, handler, retry_base_seconds=60), lambda: bool(sqs.bodies(dlq))
    )
    assert sqs.bodies(dlq) == [body]
    assert sqs.bodies(url) == []
    assert len(handler.fail_with) == 3  # called exactly max_receive_count times
    assert all(seconds == 0 for _, seconds in sqs.visibility_changes)


async def test_poison_body_never_reaches_the_handler_and_ends_in_the_dlq() -> None:
    sqs, handler = FakeSqs(), Recorder()
    url = sqs.create_queue("q", max_receive_count=3, with_dlq=True)
    sqs.send(url, "{definitely not an event")
    await run_until(make_consumer(sqs, url, handler), lambda: bool(sqs.bodies(url + "-dlq")))
    assert handler.events == [] and handler.trace_ids == []


async def test_unroutable_event_type_is_permanent() -> None:
    sqs = FakeSqs()
    url = sqs.create_queue("q", max_receive_count=1, with_dlq=True)
    router = EventRouter()
    router.register(PayloadLandedV1, Recorder())
    sqs.send(url, drift().to_json().decode())
    await run_until(make_consumer(sqs, url, router), lambda: bool(sqs.bodies(url + "-dlq")))
    assert sqs.visibility_changes[0][1] == 0


async def test_duplicates_in_one_batch_are_handled_once() -> None:
    sqs, handler = FakeSqs(), Recorder(delay=0.05)
    url = sqs.create_queue("q")
    body = landed().to_json().decode()
    for _ in range(3):
        sqs.send(url, body)
    await run_until(make_consumer(sqs, url, handler), lambda: len(sqs.deleted) == 3)
    assert len(handler.events) == 1
    assert sqs.receive_calls >= 1 and sqs.bodies(url) == []


async def test_already_processed_event_is_deleted_without_calling_handler() -> None:
    sqs, handler, dedup = FakeSqs(), Recorder(), InMemoryDedupStore()
    url = sqs.create_queue("q")
    event = landed()
    await dedup.mark_done("test-consumer", event.id)
    sqs.send(url, event.to_json().decode())
    await run_until(make_consumer(sqs, url, handler, dedup), lambda: not sqs.bodies(url))
    assert handler.events == [] and handler.trace_ids == []


async def test_long_handler_keeps_its_message_invisible() -> None:
    sqs, handler = FakeSqs(), Recorder(delay=2.0)
    url = sqs.create_queue("q")
    message_id = sqs.send(url, landed().to_json().decode())
    consumer = make_consumer(sqs, url, handler, visibility_timeout=1, max_concurrency=5)
    await run_until(consumer, lambda: not sqs.bodies(url))
    assert len(handler.trace_ids) == 1  # never redelivered while running
    extensions = [s for mid, s in sqs.visibility_changes if mid == message_id]
    assert len(extensions) >= 3 and set(extensions) == {1}


async def test_concurrency_is_bounded() -> None:
    sqs, handler = FakeSqs(), Recorder(delay=0.05)
    url = sqs.create_queue("q")
    for i in range(12):
        sqs.send(url, landed(f"ing-{i}").to_json().decode())
    await run_until(
        make_consumer(sqs, url, handler, max_concurrency=3), lambda: len(handler.events) == 12
    )
    assert handler.max_active == 3


async def test_receive_errors_are_retried_and_do_not_kill_the_loop() -> None:
    sqs, handler = FakeSqs(), Recorder()
    url = sqs.create_queue("q")
    sqs.fail_receives = 2
    sqs.send(url, landed().to_json().decode())
    consumer = make_consumer(sqs, url, handler)
    task = asyncio.create_task(consumer.run())
    async with asyncio.timeout(15):
        while sqs.receive_calls < 2:
            await asyncio.sleep(0.01)
        assert not consumer.ready
        while not handler.events:
            await asyncio.sleep(0.01)
    assert consumer.ready
    await consumer.stop()
    await task
    assert not consumer.ready
    assert sqs.bodies(url) == []


async def test_stop_waits_for_in_flight_handler_within_grace() -> None:
    sqs, handler = FakeSqs(), Recorder()
    handler.block = True
    url = sqs.create_queue("q")
    message_id = sqs.send(url, landed().to_json().decode())
    consumer = make_consumer(sqs, url, handler, shutdown_grace=10.0)
    task = asyncio.create_task(consumer.run())
    await asyncio.wait_for(handler.started.wait(), 10)
    stopping = asyncio.create_task(consumer.stop())
    await asyncio.sleep(0.1)
    assert not stopping.done() and not consumer.ready
    handler.release.set()
    await asyncio.wait_for(stopping, 10)
    await task
    assert sqs.deleted == [message_id]
    assert consumer.in_flight == 0


async def test_grace_expiry_cancels_handler_and_leaves_message_for_redelivery() -> None:
    sqs, handler = FakeSqs(), Recorder()
    handler.block = True
    url = sqs.create_queue("q")
    message_id = sqs.send(url, landed().to_json().decode())
    consumer = make_consumer(sqs, url, handler)
    task = asyncio.create_task(consumer.run())
    await asyncio.wait_for(handler.started.wait(), 10)
    await asyncio.wait_for(consumer.stop(grace=0.1), 10)
    await task
    assert sqs.deleted == [] and handler.events == []
    assert sqs.visibility_changes[-1] == (message_id, 0)  # released at once, not after timeout
    assert consumer.in_flight == 0 and handler.active == 0


async def test_stop_is_idempotent_and_works_before_run() -> None:
    sqs = FakeSqs()
    url = sqs.create_queue("q")
    consumer = make_consumer(sqs, url, Recorder())
    await consumer.stop()
    await consumer.stop()
    await asyncio.wait_for(consumer.run(), 5)
    assert sqs.receive_calls == 0
    with pytest.raises(RuntimeError, match="already run"):
        await consumer.run()


async def test_handler_span_continues_the_envelope_trace() -> None:
    sqs, handler = FakeSqs(), Recorder()
    url = sqs.create_queue("q")
    sqs.send(url, landed(traceparent=f"00-{TRACE_ID}-00f067aa0ba902b7-01").to_json().decode())
    await run_until(make_consumer(sqs, url, handler), lambda: bool(handler.events))
    assert handler.trace_ids == [TRACE_ID]


async def test_router_dispatches_by_type_string_or_model() -> None:
    router = EventRouter()
    landed_handler, drift_handler = Recorder(), Recorder()
    router.register(PayloadLandedV1, landed_handler)
    router.on("driftgate.schema.drift.detected.v1")(drift_handler)
    await router(landed())
    await router(drift())
    assert len(landed_handler.events) == 1 and len(drift_handler.events) == 1
    assert router.event_types == {PayloadLandedV1.event_type(), SchemaDriftDetectedV1.event_type()}
    with pytest.raises(ValueError, match="already registered"):
        router.register("driftgate.payload.landed.v1", Recorder())


async def test_router_rejects_unknown_types_permanently() -> None:
    with pytest.raises(UnroutableEventError) as info:
        await EventRouter()(landed())
    assert isinstance(info.value, PermanentError) and not info.value.retryable


def test_retry_delay_doubles_per_receive_and_is_capped() -> None:
    assert [retry_delay(n, 2, 300) for n in (1, 2, 3, 4)] == [2, 4, 8, 16]
    assert retry_delay(50, 2, 300) == 300
    assert retry_delay(3, 0, 300) == 0


@pytest.mark.parametrize(
    "options",
    [
        {"max_messages": 11},
        {"max_concurrency": 0},
        {"wait_time_seconds": 21},
        {"visibility_timeout": 0},
    ],
)
def test_invalid_options_are_rejected(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="must be"):
        make_consumer(FakeSqs(), "https://sqs.fake.local/0/q", Recorder(), **options)


async def test_handler_runs_with_the_events_correlation_id() -> None:
    sqs = FakeSqs()
    url = sqs.create_queue("q")
    seen: list[str | None] = []

    async def handler(event: CloudEvent[Any]) -> None:
        seen.append(correlation_id())

    sqs.send(url, landed(correlationid="req-42").to_json().decode())
    sqs.send(url, landed(ingest_id="ing-2").to_json().decode())
    await run_until(make_consumer(sqs, url, handler), lambda: len(seen) == 2)
    assert "req-42" in seen
    assert all(seen)  # an event without one still gets a fresh id for its logs
