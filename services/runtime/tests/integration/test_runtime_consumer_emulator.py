import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from types_aiobotocore_sqs import SQSClient

from driftgate.contracts import CloudEvent
from driftgate.contracts.events import PayloadLandedV1
from driftgate.runtime.aws import AwsClientFactory
from driftgate.runtime.consumer import SqsConsumer
from driftgate.runtime.dedup import DedupStore, DynamoDedupStore, InMemoryDedupStore
from driftgate.runtime.errors import PermanentError, TransientError
from driftgate.runtime.naming import Naming
from driftgate.runtime.publisher import SnsEventPublisher
from driftgate.runtime.topology import PAYLOAD_EVENTS_TOPIC, PROCESSED_EVENTS_TABLE, PROFILER_QUEUE

pytestmark = pytest.mark.integration


def landed(ingest_id: str = "ing-1") -> CloudEvent[PayloadLandedV1]:
    data = PayloadLandedV1(
        ingest_id=ingest_id,
        source_id="orders",
        bucket="raw-bucket",
        key=f"raw/source=orders/date=2024-01-01/{ingest_id}.json",
        content_type="application/json",
        size_bytes=12,
        sha256="c" * 64,
        received_at=datetime(2024, 1, 1, tzinfo=UTC),
    )
    return CloudEvent.wrap(data, source="/driftgate/ingest", subject="orders")


class Handler:
    """Records every call; fails the first ``fail_times`` calls or every call, or blocks."""

    def __init__(self, fail_times: int = 0, error: Exception | None = None) -> None:
        self.calls: list[CloudEvent[Any]] = []
        self.succeeded: list[CloudEvent[Any]] = []
        self.fail_times = fail_times
        self.error = error or TransientError("downstream unavailable")
        self.delay = 0.0
        self.block = False
        self.release = asyncio.Event()
        self.started = asyncio.Event()

    async def __call__(self, event: CloudEvent[Any]) -> None:
        self.calls.append(event)
        self.started.set()
        if self.block:
            await self.release.wait()
        if self.delay:
            await asyncio.sleep(self.delay)
        if len(self.calls) <= self.fail_times:
            raise self.error
        self.succeeded.append(event)


@pytest.fixture
async def sqs(aws: AwsClientFactory) -> AsyncIterator[SQSClient]:
    async with aws.client("sqs") as client:
        yield client


@pytest.fixture
async def dedup(aws: AwsClientFactory, provisioned: Naming) -> AsyncIterator[DynamoDedupStore]:
    async with aws.client("dynamodb") as ddb:
        yield DynamoDedupStore(ddb, provisioned.table(PROCESSED_EVENTS_TABLE))


async def profiler_queue(sqs: SQSClient, naming: Naming) -> str:
    return (await sqs.get_queue_url(QueueName=naming.name(PROFILER_QUEUE)))["QueueUrl"]


async def fast_queue(sqs: SQSClient, naming: Naming, logical: str) -> tuple[str, str]:
    """A queue with a 2 s visibility timeout and maxReceiveCount=2, and its DLQ."""
    dlq_url = (await sqs.create_queue(QueueName=naming.name(f"{logical}-dlq")))["QueueUrl"]
    dlq_arn = (await sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"]))[
        "Attributes"
    ]["QueueArn"]
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "2"}
    url = (
        await sqs.create_queue(
            QueueName=naming.name(logical),
            Attributes={"VisibilityTimeout": "2", "RedrivePolicy": json.dumps(redrive)},
        )
    )["QueueUrl"]
    return url, dlq_url


def consumer_for(
    sqs: SQSClient, url: str, handler: Handler, dedup: DedupStore, **options: Any
) -> SqsConsumer:
    settings: dict[str, Any] = {
        "wait_time_seconds": 1,
        "visibility_timeout": 2,
        "retry_base_seconds": 1,
        "shutdown_grace": 10.0,
    }
    settings.update(options)
    return SqsConsumer(sqs, url, handler, name="itest", dedup=dedup, **settings)


async def messages_left(sqs: SQSClient, url: str) -> int:
    attrs = (
        await sqs.get_queue_attributes(
            QueueUrl=url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )
    )["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]) + int(
        attrs["ApproximateNumberOfMessagesNotVisible"]
    )


async def poll_until_message(sqs: SQSClient, url: str) -> list[str]:
    while True:
        received = await sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)
        if bodies := [m["Body"] for m in received.get("Messages", [])]:
            return bodies


async def run_until(
    consumers: list[SqsConsumer], done: Callable[[], bool], timeout: float = 30
) -> None:
    tasks = [asyncio.create_task(c.run()) for c in consumers]
    try:
        async with asyncio.timeout(timeout):
            while not done():
                await asyncio.sleep(0.05)
    finally:
        for consumer in consumers:
            await consumer.stop()
        await asyncio.gather(*tasks)


async def test_failed_message_is_redelivered_and_deleted_only_after_success(
    sqs: SQSClient, provisioned: Naming, dedup: DynamoDedupStore
) -> None:
    url = await profiler_queue(sqs, provisioned)
    event = landed()
    await sqs.send_message(QueueUrl=url, MessageBody=event.to_json().decode())
    handler = Handler(fail_times=1)
    consumer = consumer_for(sqs, url, handler, dedup)
    await run_until([consumer], lambda: bool(handler.succeeded))
    assert [e.id for e in handler.calls] == [event.id, event.id]
    assert await messages_left(sqs, url) == 0
    assert await dedup.seen("itest", event.id)


async def test_always_failing_message_moves_to_the_dlq_by_redrive_policy(
    sqs: SQSClient, provisioned: Naming, dedup: DynamoDedupStore
) -> None:
    url, dlq_url = await fast_queue(sqs, provisioned, "poison")
    body = landed().to_json().decode()
    await sqs.send_message(QueueUrl=url, MessageBody=body)
    handler = Handler(fail_times=100, error=PermanentError("cannot ever work"))
    consumer = consumer_for(sqs, url, handler, dedup)
    # SQS (and moto) move a message to the DLQ on the receive after maxReceiveCount, so the
    # consumer keeps polling while the DLQ is watched.
    poller = asyncio.create_task(poll_until_message(sqs, dlq_url))
    await run_until([consumer], poller.done)
    dead = poller.result()
    assert dead == [body]
    assert len(handler.calls) == 2
    assert await messages_left(sqs, url) == 0


async def test_poison_body_moves_to_the_dlq_without_calling_the_handler(
    sqs: SQSClient, provisioned: Naming, dedup: DynamoDedupStore
) -> None:
    url, dlq_url = await fast_queue(sqs, provisioned, "garbage")
    await sqs.send_message(QueueUrl=url, MessageBody="this is not an event")
    handler = Handler()
    consumer = consumer_for(sqs, url, handler, dedup)
    # SQS (and moto) move a message to the DLQ on the receive after maxReceiveCount, so the
    # consumer keeps polling while the DLQ is watched.
    poller = asyncio.create_task(poll_until_message(sqs, dlq_url))
    await run_until([consumer], poller.done)
    dead = poller.result()
    assert dead == ["this is not an event"]
    assert handler.calls == []


async def test_stop_lets_the_in_flight_handler_finish_within_grace(
    sqs: SQSClient, provisioned: Naming, dedup: DynamoDedupStore
) -> None:
    url = await profiler_queue(sqs, provisioned)
    await sqs.send_message(QueueUrl=url, MessageBody=landed().to_json().decode())
    handler = Handler()
    handler.block = True
    consumer = consumer_for(sqs, url, handler, dedup, shutdown_grace=20.0)
    run = asyncio.create_task(consumer.run())
    await asyncio.wait_for(handler.started.wait(), 20)
    stopping = asyncio.create_task(consumer.stop())
    await asyncio.sleep(0.2)
    assert not stopping.done()
    handler.release.set()
    await asyncio.wait_for(asyncio.gather(stopping, run), 20)
    assert len(handler.succeeded) == 1
    assert await messages_left(sqs, url) == 0


async def test_handler_cut_off_by_grace_is_redelivered_later(
    sqs: SQSClient, provisioned: Naming, dedup: DynamoDedupStore
) -> None:
    url = await profiler_queue(sqs, provisioned)
    event = landed()
    await sqs.send_message(QueueUrl=url, MessageBody=event.to_json().decode())
    first = Handler()
    first.block = True
    consumer = consumer_for(sqs, url, first, dedup)
    run = asyncio.create_task(consumer.run())
    await asyncio.wait_for(first.started.wait(), 20)
    await asyncio.wait_for(consumer.stop(grace=0.2), 20)
    await run
    assert first.succeeded == []
    assert await messages_left(sqs, url) == 1

    second = Handler()
    await run_until([consumer_for(sqs, url, second, dedup)], lambda: bool(second.succeeded))
    assert [e.id for e in second.succeeded] == [event.id]
    assert await messages_left(sqs, url) == 0


async def test_duplicate_delivery_is_handled_once(
    sqs: SQSClient, provisioned: Naming, dedup: DynamoDedupStore
) -> None:
    url = await profiler_queue(sqs, provisioned)
    body = landed().to_json().decode()
    for _ in range(2):
        await sqs.send_message(QueueUrl=url, MessageBody=body)
    handler = Handler()
    consumer = consumer_for(sqs, url, handler, dedup)
    await run_until([consumer], lambda: bool(handler.succeeded))
    async with asyncio.timeout(20):
        while await messages_left(sqs, url):
            await asyncio.sleep(0.1)

    # A late duplicate, after the first consumer is gone, is recognised through DynamoDB.
    await sqs.send_message(QueueUrl=url, MessageBody=body)
    late = consumer_for(sqs, url, handler, dedup)
    run = asyncio.create_task(late.run())
    async with asyncio.timeout(20):
        while await messages_left(sqs, url):
            await asyncio.sleep(0.1)
    await late.stop()
    await run
    assert len(handler.calls) == 1


async def test_sns_wrapped_delivery_is_unwrapped(
    sqs: SQSClient, aws: AwsClientFactory, provisioned: Naming
) -> None:
    event = landed()
    queue = provisioned.name("wrapped")
    url = (await sqs.create_queue(QueueName=queue))["QueueUrl"]
    async with aws.client("sns") as sns:
        topic_arn = (await sns.create_topic(Name=provisioned.name("wrapped-topic")))["TopicArn"]
        await sns.subscribe(
            TopicArn=topic_arn,
            Protocol="sqs",
            Endpoint=provisioned.queue_arn("wrapped"),
            Attributes={"RawMessageDelivery": "false"},
        )
        await sns.publish(TopicArn=topic_arn, Message=event.to_json().decode())
    handler = Handler()
    await run_until(
        [consumer_for(sqs, url, handler, InMemoryDedupStore())], lambda: bool(handler.succeeded)
    )
    assert handler.succeeded == [event]
    assert await messages_left(sqs, url) == 0


async def test_raw_delivery_through_the_topology_subscription(
    sqs: SQSClient, aws: AwsClientFactory, provisioned: Naming
) -> None:
    event = landed()
    async with aws.client("sns") as sns:
        await SnsEventPublisher(sns, provisioned).publish(PAYLOAD_EVENTS_TOPIC, event)
    url = await profiler_queue(sqs, provisioned)
    handler = Handler()
    await run_until(
        [consumer_for(sqs, url, handler, InMemoryDedupStore())], lambda: bool(handler.succeeded)
    )
    assert [e.id for e in handler.succeeded] == [event.id]
    assert handler.succeeded[0].data == event.data


async def test_long_handler_is_not_redelivered_to_a_concurrent_consumer(
    sqs: SQSClient, provisioned: Naming
) -> None:
    url, _ = await fast_queue(sqs, provisioned, "slow")
    await sqs.send_message(QueueUrl=url, MessageBody=landed().to_json().decode())
    handler = Handler()
    handler.delay = 5.0  # 2.5x the 2 s visibility timeout
    # Separate in-memory dedup stores: only visibility can keep the second consumer away.
    consumers = [
        consumer_for(sqs, url, handler, InMemoryDedupStore(), visibility_timeout=2)
        for _ in range(2)
    ]
    await run_until(consumers, lambda: bool(handler.succeeded))
    assert len(handler.calls) == 1
    assert await messages_left(sqs, url) == 0


async def test_dynamo_dedup_store_marks_and_expires(
    aws: AwsClientFactory, provisioned: Naming
) -> None:
    now = [time.time()]
    async with aws.client("dynamodb") as ddb:
        store = DynamoDedupStore(
            ddb, provisioned.table(PROCESSED_EVENTS_TABLE), ttl_seconds=60, clock=lambda: now[0]
        )
        assert not await store.seen("c1", "e1")
        await store.mark_done("c1", "e1")
        await store.mark_done("c1", "e1")  # idempotent
        assert await store.seen("c1", "e1")
        assert not await store.seen("c2", "e1")
        item = await ddb.get_item(
            TableName=provisioned.table(PROCESSED_EVENTS_TABLE),
            Key={"consumer": {"S": "c1"}, "event_id": {"S": "e1"}},
        )
        assert int(item["Item"]["expires_at"]["N"]) == int(now[0]) + 60
        now[0] += 61  # past the TTL, before DynamoDB got round to deleting it
        assert not await store.seen("c1", "e1")
