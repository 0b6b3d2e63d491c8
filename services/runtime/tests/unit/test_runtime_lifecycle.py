"""ServiceRunner: graceful drain, cancellation after grace, idempotent shutdown, signals."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import textwrap
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import FrameType

import pytest

from driftgate.runtime.errors import PermanentError
from driftgate.runtime.lifecycle import ServiceRunner
from driftgate.runtime.service_context import current_service
from driftgate.runtime.settings import RuntimeSettings


class Worker:
    """Holds one job in flight until released; finishes it before returning from run()."""

    def __init__(self, events: list[str]) -> None:
        self.events = events
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.stopping = asyncio.Event()
        self.service_seen: str | None = None

    async def run(self) -> None:
        self.service_seen = current_service()
        self.started.set()
        await self.release.wait()
        self.events.append("job finished")
        await self.stopping.wait()
        self.events.append("worker returned")

    async def stop(self, grace: float) -> None:
        self.events.append("stop called")
        self.stopping.set()


class Stuck:
    """Ignores stop(): only cancellation ends it."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.cancelled = False

    async def run(self) -> None:
        self.started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled = True
            raise

    async def stop(self, grace: float) -> None:
        return


class Crashing:
    async def run(self) -> None:
        raise RuntimeError("consumer lost its queue")

    async def stop(self, grace: float) -> None:
        return


def _runner(grace: float = 30.0, **kwargs: bool) -> ServiceRunner:
    return ServiceRunner("profiler", RuntimeSettings(shutdown_grace_seconds=grace), **kwargs)


@asynccontextmanager
async def _resource(events: list[str], name: str) -> AsyncIterator[str]:
    events.append(f"open {name}")
    yield name
    events.append(f"close {name}")


async def test_shutdown_waits_for_in_flight_work_then_closes_resources() -> None:
    events: list[str] = []
    runner = _runner()
    worker = Worker(events)
    runner.add(worker)
    assert await runner.enter(_resource(events, "sqs")) == "sqs"
    await runner.enter(_resource(events, "sns"))
    serving = asyncio.create_task(runner.serve())
    await worker.started.wait()
    ready_while_serving = runner.ready
    assert ready_while_serving
    assert worker.service_seen == "profiler"

    stopping = asyncio.create_task(runner.shutdown())
    await worker.stopping.wait()
    assert not runner.ready
    assert not stopping.done()
    assert events == ["open sqs", "open sns", "stop called"]

    worker.release.set()
    await stopping
    await serving
    assert events == [
        "open sqs",
        "open sns",
        "stop called",
        "job finished",
        "worker returned",
        "close sns",
        "close sqs",
    ]
    assert runner.stopped


async def test_stuck_component_is_cancelled_after_grace_and_no_task_survives() -> None:
    before = asyncio.all_tasks()
    runner = _runner(grace=0.05)
    stuck, worker = Stuck(), Worker([])
    worker.release.set()
    runner.add(stuck)
    runner.add(worker)
    serving = asyncio.create_task(runner.serve())
    await stuck.started.wait()

    await runner.shutdown()
    await serving
    assert stuck.cancelled
    assert worker.events == ["job finished", "stop called", "worker returned"]
    assert asyncio.all_tasks() == before


async def test_shutdown_is_idempotent_and_concurrent_callers_all_wait() -> None:
    events: list[str] = []
    runner = _runner()
    worker = Worker(events)
    worker.release.set()
    runner.add(worker)
    closed: list[str] = []

    async def close_tracing() -> None:
        closed.append("tracing")

    runner.push_async_callback(close_tracing)
    serving = asyncio.create_task(runner.serve())
    await worker.started.wait()

    await asyncio.gather(runner.shutdown(), runner.shutdown())
    await runner.shutdown()
    await serving
    assert events.count("stop called") == 1
    assert closed == ["tracing"]
    with pytest.raises(PermanentError):
        await runner.serve()


async def test_shutdown_before_serve_closes_resources() -> None:
    events: list[str] = []
    runner = _runner()
    await runner.enter(_resource(events, "dynamodb"))
    await runner.shutdown()
    assert events == ["open dynamodb", "close dynamodb"]
    with pytest.raises(PermanentError):
        runner.add(Stuck())


async def test_a_crashing_component_stops_the_others_and_is_reraised() -> None:
    events: list[str] = []
    runner = _runner()
    worker = Worker(events)
    worker.release.set()
    runner.add(worker)
    runner.add(Crashing())
    with pytest.raises(ExceptionGroup) as caught:
        await runner.serve()
    assert [str(e) for e in caught.value.exceptions] == ["consumer lost its queue"]
    assert events == ["job finished", "stop called", "worker returned"]


async def test_runners_in_one_loop_shut_down_independently() -> None:
    first, second = _runner(), ServiceRunner("notifier", RuntimeSettings())
    w1, w2 = Worker([]), Worker([])
    first.add(w1)
    second.add(w2)
    s1, s2 = asyncio.create_task(first.serve()), asyncio.create_task(second.serve())
    await asyncio.gather(w1.started.wait(), w2.started.wait())
    assert (w1.service_seen, w2.service_seen) == ("profiler", "notifier")
    w1.release.set()
    await first.shutdown()
    await s1
    assert second.ready
    assert not s2.done()
    w2.release.set()
    await second.shutdown()
    await s2


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_signal_triggers_graceful_shutdown_and_handlers_are_restored(
    sig: signal.Signals,
) -> None:
    # A Python-level fallback keeps pytest alive should the runner fail to take the signal.
    reached_fallback: list[int] = []

    def fallback(signum: int, _frame: FrameType | None) -> None:
        reached_fallback.append(signum)

    original = signal.signal(sig, fallback)
    try:
        runner = _runner(install_signal_handlers=True)
        worker = Worker([])
        worker.release.set()
        runner.add(worker)
        serving = asyncio.create_task(runner.serve())
        await worker.started.wait()
        os.kill(os.getpid(), sig)
        await serving
        assert worker.events == ["job finished", "stop called", "worker returned"]
        assert reached_fallback == []
        assert signal.getsignal(sig) is fallback
    finally:
        signal.signal(sig, original)


_SERVICE_SCRIPT = textwrap.dedent(
    """
    import asyncio, sys
    from driftgate.runtime.lifecycle import ServiceRunner
    from driftgate.runtime.settings import RuntimeSettings

    class Job:
        def __init__(self):
            self.stopping = asyncio.Event()
        async def run(self):
            print("ready", flush=True)
            await self.stopping.wait()
            await asyncio.sleep(0.05)  # in-flight work finishing after the signal
            print("drained", flush=True)
        async def stop(self, grace):
            self.stopping.set()

    async def main():
        runner = ServiceRunner("ingest", RuntimeSettings(), install_signal_handlers=True)
        runner.add(Job())
        await runner.serve()
        print("exited", flush=True)

    asyncio.run(main())
    """
)


async def test_sigterm_to_a_service_process_drains_and_exits_zero() -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _SERVICE_SCRIPT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    assert await proc.stdout.readline() == b"ready\n"
    proc.send_signal(signal.SIGTERM)
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    assert out.decode().splitlines() == ["drained", "exited"]
