"""Timeouts and stalls: overdue RUNNING jobs fail "timed out"; unstarted jobs raise job.stalled."""

from __future__ import annotations

from datetime import timedelta

from driftgate.contracts.events import JobStatus
from driftgate.status.handlers import SubmitJob, submit_job
from driftgate.status.settings import StatusSettings
from driftgate.status.sweeper import TIMED_OUT, sweep_once
from driftgate.status.testing import FakeClock, MemoryHarness, memory_harness
from driftgate.status.transitions import StatusReport, apply_status


async def setup(**submit: int) -> tuple[MemoryHarness, FakeClock, str]:
    clock = FakeClock()
    h = await memory_harness(StatusSettings(cursor_key="k" * 32), clock=clock)
    operator = next(iter(h.keys.records.values()))
    done = await submit_job(SubmitJob(type="promote", **submit), "k", operator, h.status.deps)
    return h, clock, done.job.job_id


async def start(h: MemoryHarness, job_id: str) -> None:
    report = StatusReport(job_id, JobStatus.RUNNING, "started", "worker")
    await apply_status(report, h.status.deps.transitions)


async def test_silent_running_job_fails_timed_out_after_its_heartbeat_interval() -> None:
    h, clock, job_id = await setup(heartbeat_seconds=60, deadline_seconds=3600)
    await start(h, job_id)

    clock.now += timedelta(seconds=59)
    assert (await sweep_once(h.status.deps.transitions)).timed_out == []
    clock.now += timedelta(seconds=2)
    result = await sweep_once(h.status.deps.transitions)

    job = h.store.jobs[job_id]
    assert result.timed_out == [job_id]
    assert (job.status, job.status_message) == (JobStatus.FAILED, TIMED_OUT)
    last = h.store.audit[job_id][-1]
    assert (last.from_status, last.to_status, last.actor) == (
        JobStatus.RUNNING,
        JobStatus.FAILED,
        "sweeper",
    )
    changed = h.publisher.events("driftgate.job.status.changed.v1")
    assert changed[-1].data.message == TIMED_OUT
    assert h.emf.values("jobs.failed") == [1]


async def test_heartbeats_keep_a_job_alive_until_its_deadline() -> None:
    h, clock, job_id = await setup(heartbeat_seconds=60, deadline_seconds=300)
    await start(h, job_id)
    for _ in range(4):
        clock.now += timedelta(seconds=50)
        await h.store.heartbeat(job_id, JobStatus.RUNNING, clock.now)
        assert (await sweep_once(h.status.deps.transitions)).timed_out == []
    clock.now += timedelta(seconds=101)  # past the overall deadline, though recently alive
    await h.store.heartbeat(job_id, JobStatus.RUNNING, clock.now)

    assert (await sweep_once(h.status.deps.transitions)).timed_out == [job_id]


async def test_finished_jobs_are_never_timed_out() -> None:
    h, clock, job_id = await setup(heartbeat_seconds=60)
    await start(h, job_id)
    await apply_status(
        StatusReport(job_id, JobStatus.SUCCEEDED, "done", "worker"), h.status.deps.transitions
    )
    clock.now += timedelta(days=2)

    assert (await sweep_once(h.status.deps.transitions)).timed_out == []
    assert h.store.jobs[job_id].status is JobStatus.SUCCEEDED


async def test_a_job_never_started_raises_one_stalled_event() -> None:
    h, clock, job_id = await setup(start_deadline_seconds=120)

    clock.now += timedelta(seconds=119)
    assert (await sweep_once(h.status.deps.transitions)).stalled == []
    clock.now += timedelta(seconds=2)
    first = await sweep_once(h.status.deps.transitions)
    again = await sweep_once(h.status.deps.transitions)

    assert first.stalled == [job_id] and again.stalled == []
    stalled = h.publisher.events("driftgate.job.stalled.v1")
    assert [e.data.job_id for e in stalled] == [job_id]
    assert h.store.jobs[job_id].status is JobStatus.SUBMITTED  # visible, not silently failed
    assert h.store.jobs[job_id].stalled_at == clock.now
