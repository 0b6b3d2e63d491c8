"""The notifier process: turn drift events into alerts on the alerts topic."""

from __future__ import annotations

from driftgate.notifier.bootstrap import bootstrap
from driftgate.notifier.settings import NotifierSettings
from driftgate.runtime.publisher import SnsEventPublisher
from driftgate.runtime.routing import EventHandler
from driftgate.runtime.service_host import AwsHandles, Build, consumer_service, run_service_process
from driftgate.runtime.settings import AwsSettings, RuntimeSettings
from driftgate.runtime.topology import NOTIFIER_QUEUE

SERVICE = "notifier"


def builder(
    settings: NotifierSettings | None = None,
    aws: AwsSettings | None = None,
    runtime: RuntimeSettings | None = None,
    *,
    health_host: str | None = None,
) -> Build:
    settings = settings or NotifierSettings()

    def make_handler(handles: AwsHandles) -> EventHandler:
        return bootstrap(publisher=SnsEventPublisher(handles.sns, handles.naming))

    return consumer_service(
        SERVICE,
        NOTIFIER_QUEUE,
        make_handler,
        health_port=settings.health_port,
        max_concurrency=settings.max_concurrency,
        aws=aws,
        runtime=runtime,
        health_host=health_host,
    )


def main() -> int:
    return run_service_process(SERVICE, builder())
