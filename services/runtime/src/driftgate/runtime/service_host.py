"""Shared wiring for a service process: AWS clients, naming, queue consumers, health, main().

Every service entrypoint provides one ``build(runner)`` coroutine that opens what it needs
through the runner (so lifetimes end with the runner) and adds its components.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from driftgate.runtime.aws import AwsClientFactory, resolve_account_id
from driftgate.runtime.consumer import SqsConsumer
from driftgate.runtime.dedup import CachedDedupStore, DynamoDedupStore
from driftgate.runtime.health import HealthServer
from driftgate.runtime.lifecycle import ServiceRunner
from driftgate.runtime.logs import configure_logging
from driftgate.runtime.naming import Naming
from driftgate.runtime.routing import EventHandler
from driftgate.runtime.settings import AwsSettings, RuntimeSettings
from driftgate.runtime.topology import PROCESSED_EVENTS_TABLE, TOPOLOGY, Topology
from driftgate.runtime.tracing_setup import setup_tracing, shutdown_tracing

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb import DynamoDBClient
    from types_aiobotocore_s3 import S3Client
    from types_aiobotocore_sns import SNSClient
    from types_aiobotocore_sqs import SQSClient

log = logging.getLogger(__name__)

Build = Callable[[ServiceRunner], Awaitable[None]]


@dataclass(frozen=True)
class AwsHandles:
    """The clients one service uses, and how logical names map to this environment."""

    naming: Naming
    s3: S3Client
    sns: SNSClient
    sqs: SQSClient
    ddb: DynamoDBClient


async def open_aws(runner: ServiceRunner, aws: AwsSettings, runtime: RuntimeSettings) -> AwsHandles:
    """Open the service's clients inside the runner's exit stack (closed after draining)."""
    factory = AwsClientFactory(aws)
    account = await resolve_account_id(factory)
    return AwsHandles(
        naming=Naming(env=runtime.env, region=aws.region, account_id=account),
        s3=await runner.enter(factory.client("s3")),
        sns=await runner.enter(factory.client("sns")),
        sqs=await runner.enter(factory.client("sqs")),
        ddb=await runner.enter(factory.client("dynamodb")),
    )


async def queue_consumer(
    handles: AwsHandles,
    queue_logical: str,
    handler: EventHandler,
    *,
    name: str,
    runtime: RuntimeSettings,
    topology: Topology = TOPOLOGY,
    max_concurrency: int = 10,
) -> tuple[SqsConsumer, str]:
    """A consumer for a topology queue, deduplicating through the processed-events table."""
    queue = topology.queue(queue_logical)
    url = (await handles.sqs.get_queue_url(QueueName=handles.naming.name(queue.logical)))[
        "QueueUrl"
    ]
    dedup = CachedDedupStore(
        DynamoDedupStore(handles.ddb, handles.naming.table(PROCESSED_EVENTS_TABLE))
    )
    consumer = SqsConsumer(
        handles.sqs,
        url,
        handler,
        name=name,
        dedup=dedup,
        visibility_timeout=queue.visibility_timeout_seconds,
        shutdown_grace=runtime.shutdown_grace_seconds,
        max_concurrency=max_concurrency,
    )
    return consumer, url


def queue_reachable(sqs: SQSClient, url: str) -> Callable[[], Awaitable[bool]]:
    """A readiness check: the queue answers."""

    async def check() -> bool:
        await sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        return True

    return check


def consumer_service(
    service: str,
    queue_logical: str,
    make_handler: Callable[[AwsHandles], EventHandler],
    *,
    health_port: int,
    max_concurrency: int,
    aws: AwsSettings | None = None,
    runtime: RuntimeSettings | None = None,
    health_host: str | None = None,
) -> Build:
    """The ``build`` of a service that consumes one queue and serves only health endpoints."""
    aws = aws or AwsSettings()
    runtime = runtime or RuntimeSettings()

    async def build(runner: ServiceRunner) -> None:
        handles = await open_aws(runner, aws, runtime)
        consumer, url = await queue_consumer(
            handles,
            queue_logical,
            make_handler(handles),
            name=service,
            runtime=runtime,
            max_concurrency=max_concurrency,
        )
        await runner.enter(
            HealthServer(
                health_host or runtime.health_host,
                health_port,
                {"queue": queue_reachable(handles.sqs, url)},
                gate=runner,
            )
        )
        runner.add(consumer)

    return build


async def serve_service(
    service: str,
    build: Build,
    runtime: RuntimeSettings,
    *,
    install_signal_handlers: bool = False,
    started: Callable[[ServiceRunner], None] | None = None,
) -> None:
    """Build and serve one service until it shuts down (SIGTERM/SIGINT when installed)."""
    runner = ServiceRunner(service, runtime, install_signal_handlers=install_signal_handlers)
    try:
        await build(runner)
    except BaseException:
        await runner.shutdown()
        raise
    if started is not None:
        started(runner)
    await runner.serve()


def run_service_process(service: str, build: Build, runtime: RuntimeSettings | None = None) -> int:
    """The ``python -m driftgate.<service>`` entrypoint: logs, tracing, serve, flush."""
    runtime = runtime or RuntimeSettings()
    configure_logging(service, runtime)
    provider = setup_tracing(service, runtime)
    try:
        asyncio.run(serve_service(service, build, runtime, install_signal_handlers=True))
    except Exception:
        log.exception("service failed")
        return 1
    finally:
        shutdown_tracing(provider)
    return 0
