"""A lifecycle component that runs one pass of work every ``interval`` seconds until stopped.

A pass that fails with a driftgate error (AWS unavailable, a conflict) is logged and the next
pass runs on schedule: periodic work such as an outbox relay or a sweeper must outlive an
outage. Anything else propagates and stops the service, as a bug should.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from driftgate.runtime.errors import DriftgateError


class Periodic:
    def __init__(
        self,
        name: str,
        work: Callable[[], Awaitable[object]],
        interval: float,
        logger: logging.Logger,
    ) -> None:
        self._name = name
        self._work = work
        self._interval = interval
        self._log = logger
        self._stop = asyncio.Event()

    async def run(self) -> None:
        while not self._stop.is_set():
            try:
                await self._work()
            except DriftgateError as exc:
                self._log.warning(f"{self._name} failed", extra={"error": str(exc)})
            try:
                await asyncio.wait_for(self._stop.wait(), self._interval)
            except TimeoutError:
                continue

    async def stop(self, grace: float) -> None:
        """Let the current pass finish; no new pass starts (idempotent)."""
        self._stop.set()
