"""The whole platform in one event loop: used by the end-to-end tests."""

from __future__ import annotations

import asyncio
from types import TracebackType

from driftgate.cli.provisioning import provision
from driftgate.ingest.entrypoints.server import builder as ingest_builder
from driftgate.ingest.settings import IngestSettings
from driftgate.notifier.entrypoints.worker import builder as notifier_builder
from driftgate.notifier.settings import NotifierSettings
from driftgate.profiler.entrypoints.worker import builder as profiler_builder
from driftgate.profiler.settings import ProfilerSettings
from driftgate.runtime.http_server import HttpServer
from driftgate.runtime.lifecycle import ServiceRunner
from driftgate.runtime.naming import Naming
from driftgate.runtime.service_host import Build, serve_service
from driftgate.runtime.settings import AwsSettings, RuntimeSettings
from driftgate.status.entrypoints.server import builder as status_builder
from driftgate.status.settings import StatusSettings

_START_TIMEOUT_SECONDS = 30.0


class InProcessPlatform:
    """ingest, profiler, notifier and status as tasks of the current loop, on free ports."""

    def __init__(self, aws: AwsSettings, runtime: RuntimeSettings) -> None:
        self._aws = aws
        self._runtime = runtime
        self._runners: list[ServiceRunner] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._ingest: list[HttpServer] = []
        self._status: list[HttpServer] = []
        self.naming: Naming | None = None

    @property
    def ingest_url(self) -> str:
        return self._ingest[0].urls[0]

    @property
    def status_url(self) -> str:
        return self._status[0].urls[0]

    async def start(self) -> None:
        self.naming = await provision(self._aws, self._runtime)
        builds: dict[str, Build] = {
            "ingest": ingest_builder(
                IngestSettings(port=0), self._aws, self._runtime, on_listening=self._ingest
            ),
            "profiler": profiler_builder(ProfilerSettings(health_port=0), self._aws, self._runtime),
            "notifier": notifier_builder(NotifierSettings(health_port=0), self._aws, self._runtime),
            "status": status_builder(
                StatusSettings(port=0), self._aws, self._runtime, on_listening=self._status
            ),
        }
        for name, build in builds.items():
            self._tasks.append(
                asyncio.create_task(
                    serve_service(name, build, self._runtime, started=self._runners.append),
                    name=f"platform:{name}",
                )
            )
        async with asyncio.timeout(_START_TIMEOUT_SECONDS):
            while len(self._runners) < len(builds) or not all(
                s and s[0].urls for s in (self._ingest, self._status)
            ):
                for task in self._tasks:
                    if task.done():
                        task.result()  # surface a failed start now
                await asyncio.sleep(0.05)

    async def stop(self) -> None:
        """Shut every service down (idempotent) and wait for their tasks."""
        await asyncio.gather(*(runner.shutdown() for runner in self._runners))
        results = await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        errors = [r for r in results if isinstance(r, BaseException)]
        if errors:
            raise ExceptionGroup("platform services failed", errors)  # type: ignore[type-var]

    async def __aenter__(self) -> InProcessPlatform:
        try:
            await self.start()
        except BaseException:
            await self.stop()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
