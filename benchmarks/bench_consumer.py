"""Throughput of ``SqsConsumer`` against a bare receive → delete_message_batch loop.

Both run in the same process against the same embedded moto server, so the ratio says what the
consumer's guarantees (decode, dedup, heartbeat, per-message delete) cost, not how fast moto is.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from driftgate.contracts import CloudEvent
from driftgate.contracts.events import PayloadLandedV1
from driftgate.runtime.aws import AwsClientFactory
from driftgate.runtime.consumer import SqsConsumer
from driftgate.runtime.dedup import InMemoryDedupStore
from driftgate.runtime.local.emulator import EmbeddedAws
from driftgate.runtime.settings import AwsSettings

if TYPE_CHECKING:
    from types_aiobotocore_sqs import SQSClient

MESSAGES = 300
PHASE_TIMEOUT = 120.0


def _body(i: int) -> str:
    data = PayloadLandedV1(
        ingest_id=f"bench-{i}",
        source_id="bench",
        bucket="raw-bucket",
        key=f"raw/source=bench/date=2024-01-01/bench-{i}.json",
        content_type="application/json",
        size_bytes=100,
        sha256="d" * 64,
        received_at=datetime.now(UTC),
    )
    return CloudEvent.wrap(data, source="/driftgate/bench").to_json().decode()


async def _fill(sqs: SQSClient, url: str, count: int) -> None:
    for start in range(0, count, 10):
        entries = [
            {"Id": str(i), "MessageBody": _body(i)} for i in range(start, min(start + 10, count))
        ]
        await sqs.send_message_batch(QueueUrl=url, Entries=entries)  # type: ignore[arg-type]


async def _baseline(sqs: SQSClient, url: str, count: int) -> float:
    """Messages/second of the simplest correct loop: receive 10, delete them in one batch."""
    done = 0
    started = time.perf_counter()
    async with asyncio.timeout(PHASE_TIMEOUT):
        while done < count:
            received = await sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1
            )
            messages = received.get("Messages", [])
            if messages:
                await sqs.delete_message_batch(
                    QueueUrl=url,
                    Entries=[
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                        for i, m in enumerate(messages)
                    ],
                )
                done += len(messages)
    return count / (time.perf_counter() - started)


async def _through_consumer(sqs: SQSClient, url: str, count: int) -> float:
    handled = 0
    all_handled = asyncio.Event()

    async def handler(event: CloudEvent[Any]) -> None:
        nonlocal handled
        handled += 1
        if handled >= count:
            all_handled.set()

    consumer = SqsConsumer(
        sqs, url, handler, name="bench", dedup=InMemoryDedupStore(), wait_time_seconds=1
    )
    started = time.perf_counter()
    run = asyncio.create_task(consumer.run())
    try:
        async with asyncio.timeout(PHASE_TIMEOUT):
            await all_handled.wait()
    finally:
        await consumer.stop()  # drains: every handled message is deleted before this returns
        await run
    return count / (time.perf_counter() - started)


async def _run(endpoint: str) -> tuple[float, float]:
    factory = AwsClientFactory(AwsSettings(endpoint_url=endpoint, region="us-east-1"))
    async with factory.client("sqs") as sqs:
        url = (await sqs.create_queue(QueueName="driftgate-bench-consumer"))["QueueUrl"]
        await _fill(sqs, url, MESSAGES)
        baseline = await _baseline(sqs, url, MESSAGES)
        await _fill(sqs, url, MESSAGES)
        consumer = await _through_consumer(sqs, url, MESSAGES)
    return baseline, consumer


def main() -> None:
    """Print consumer vs. baseline throughput for ``MESSAGES`` messages on the embedded moto."""
    # moto's werkzeug server logs every request; that would bury the report.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with EmbeddedAws(port=0) as aws:
        baseline, consumer = asyncio.run(_run(aws.endpoint_url))
    print(f"messages: {MESSAGES} (same run, same embedded moto server)")
    print(f"baseline receive→delete_message_batch: {baseline:8.1f} msg/s")
    print(f"SqsConsumer (decode, dedup, heartbeat): {consumer:8.1f} msg/s")
    print(f"ratio consumer/baseline: {consumer / baseline:.2f}")


if __name__ == "__main__":
    main()
