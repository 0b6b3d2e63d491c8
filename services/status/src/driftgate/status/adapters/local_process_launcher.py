"""Run a configured local command per job, with the same environment an EMR run gets.

The processes are owned here: ``aclose`` (entered in the service's exit stack) waits for them
up to a grace period and then terminates what is left, so none outlives the service.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shlex
from types import TracebackType

from driftgate.status.adapters.emr_serverless_launcher import driver_env
from driftgate.status.ports import LaunchRequest

log = logging.getLogger(__name__)


class LocalProcessLauncher:
    def __init__(
        self, command: str, *, extra_env: dict[str, str] | None = None, grace: float = 5.0
    ) -> None:
        if not command.strip():
            raise ValueError("the local launcher needs a command")
        self._argv = shlex.split(command)
        self._extra_env = extra_env or {}
        self._grace = grace
        self._runs: dict[str, asyncio.subprocess.Process] = {}

    @property
    def runs(self) -> dict[str, asyncio.subprocess.Process]:
        return dict(self._runs)

    async def launch(self, request: LaunchRequest) -> str:
        running = self._runs.get(request.job_id)
        if running is not None:
            return f"local-{running.pid}"  # a redelivered job.submitted.v1: same run
        env = {**os.environ, **self._extra_env, **driver_env(request)}
        proc = await asyncio.create_subprocess_exec(*self._argv, env=env)
        self._runs[request.job_id] = proc
        log.info("local run started", extra={"job_id": request.job_id, "pid": proc.pid})
        return f"local-{proc.pid}"

    async def aclose(self) -> None:
        """Wait for the runs, then terminate what is still going. Idempotent."""
        procs = list(self._runs.values())
        self._runs.clear()
        if not procs:
            return
        waits = [asyncio.ensure_future(p.wait()) for p in procs]
        _, pending = await asyncio.wait(waits, timeout=self._grace)
        for proc in procs:
            if proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.terminate()
        if pending:
            await asyncio.wait(pending, timeout=self._grace)
        for proc in procs:
            if proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                await proc.wait()

    async def __aenter__(self) -> LocalProcessLauncher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
