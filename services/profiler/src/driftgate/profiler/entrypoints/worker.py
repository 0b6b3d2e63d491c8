"""The profiler process: consume payload events, profile, register, announce drift."""

from __future__ import annotations

from driftgate.profiler.adapters.dynamo_registry import DynamoSchemaRegistry
from driftgate.profiler.adapters.s3_payload_reader import S3PayloadReader
from driftgate.profiler.bootstrap import bootstrap
from driftgate.profiler.settings import ProfilerSettings
from driftgate.runtime.publisher import SnsEventPublisher
from driftgate.runtime.routing import EventHandler
from driftgate.runtime.service_host import AwsHandles, Build, consumer_service, run_service_process
from driftgate.runtime.settings import AwsSettings, RuntimeSettings
from driftgate.runtime.topology import PROFILER_QUEUE, SCHEMA_REGISTRY_TABLE

SERVICE = "profiler"


def builder(
    settings: ProfilerSettings | None = None,
    aws: AwsSettings | None = None,
    runtime: RuntimeSettings | None = None,
    *,
    health_host: str | None = None,
) -> Build:
    settings = settings or ProfilerSettings()

    def make_handler(handles: AwsHandles) -> EventHandler:
        return bootstrap(
            reader=S3PayloadReader(handles.s3, max_bytes=settings.max_payload_bytes),
            registry=DynamoSchemaRegistry(handles.ddb, handles.naming.table(SCHEMA_REGISTRY_TABLE)),
            publisher=SnsEventPublisher(handles.sns, handles.naming),
        )

    return consumer_service(
        SERVICE,
        PROFILER_QUEUE,
        make_handler,
        health_port=settings.health_port,
        max_concurrency=settings.max_concurrency,
        aws=aws,
        runtime=runtime,
        health_host=health_host,
    )


def main() -> int:
    return run_service_process(SERVICE, builder())
