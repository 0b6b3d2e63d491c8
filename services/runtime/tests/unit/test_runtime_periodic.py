import asyncio
import logging

import pytest

from driftgate.runtime.errors import TransientError
from driftgate.runtime.periodic import Periodic


async def test_runs_every_interval_survives_driftgate_errors_and_stops(
    caplog: pytest.LogCaptureFixture,
) -> None:
    passes = 0
    third = asyncio.Event()

    async def work() -> None:
        nonlocal passes
        passes += 1
        if passes == 3:
            third.set()
        if passes == 2:
            raise TransientError("table unavailable")

    periodic = Periodic("sweep", work, 0.01, logging.getLogger("test.periodic"))
    task = asyncio.create_task(periodic.run())
    async with asyncio.timeout(5):
        await third.wait()
    await periodic.stop(1.0)
    await periodic.stop(1.0)  # idempotent
    async with asyncio.timeout(5):
        await task
    assert passes >= 3
    assert "sweep failed" in caplog.text


async def test_a_bug_in_the_work_stops_the_component() -> None:
    async def work() -> None:
        raise ValueError("bug")

    periodic = Periodic("relay", work, 0.01, logging.getLogger("test.periodic"))
    with pytest.raises(ValueError, match="bug"):
        await periodic.run()
