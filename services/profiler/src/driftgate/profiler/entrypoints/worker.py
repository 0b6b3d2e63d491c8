"""The profiler process: consume payload events, profile, register, announce drift."""

from __future__ import annotations

from driftgate.profiler.bootstrap import bootstrap
from driftgate.profiler.settings import ProfilerSettings
from driftgate.profiler.wiring import aws_deps
from driftgate.runtime.routing import EventHandler
from driftgate.runtime.service_host import AwsHandles, Build, consumer_service, run_service_process
from driftgate.runtime.settings import AwsSettings, RuntimeSettings
from driftgate.runtime.topology import PROFILER_QUEUE

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
            aws_deps(
                s3=handles.s3,
                ddb=handles.ddb,
                sns=handles.sns,
                naming=handles.naming,
                max_record_bytes=settings.max_record_bytes,
            )
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
