"""The DynamoDB job store against the emulator: conditional writes, transactions, GSIs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from driftgate.contracts.events import JobStatus
from driftgate.runtime.aws import AwsClientFactory
from driftgate.runtime.naming import Naming
from driftgate.runtime.publisher import FakeEventPublisher
from driftgate.runtime.topology import (
    JOB_AUDIT_TABLE,
    JOB_OUTBOX_TABLE,
    JOBS_TABLE,
    OPERATOR_KEYS_TABLE,
    WEBHOOK_IDS_TABLE,
)
from driftgate.status.adapters.callback_secrets import StaticCallbackSecrets
from driftgate.status.adapters.dynamo_job_store import DynamoJobStore, DynamoOutbox, JobTables
from driftgate.status.adapters.dynamo_operator_keys import DynamoOperatorKeyStore
from driftgate.status.bootstrap import StatusApp, bootstrap
from driftgate.status.domain.job import AuditEntry, TransitionRequest
from driftgate.status.domain.metrics import CapturedEmf, EmfMetrics
from driftgate.status.domain.operator_keys import OperatorKeyRecord, generate_operator_key
from driftgate.status.errors import InvalidCursorError, TransitionConflictError
from driftgate.status.handlers import SubmitJob, job_history, list_jobs, submit_job
from driftgate.status.ports import JobQuery, OutboxItem, ReplayedWebhookError, WebhookMark
from driftgate.status.settings import StatusSettings
from driftgate.status.sweeper import TIMED_OUT, SweepResult, sweep_once
from driftgate.status.transitions import Outcome, StatusReport, apply_status


@dataclass
class Env:
    store: DynamoJobStore
    outbox: DynamoOutbox
    status: StatusApp
    publisher: FakeEventPublisher
    operator: OperatorKeyRecord


@pytest.fixture
async def env(aws: AwsClientFactory, provisioned: Naming) -> AsyncIterator[Env]:
    n = provisioned
    async with aws.client("dynamodb") as ddb:
        tables = JobTables(
            jobs=n.table(JOBS_TABLE),
            audit=n.table(JOB_AUDIT_TABLE),
            outbox=n.table(JOB_OUTBOX_TABLE),
            webhooks=n.table(WEBHOOK_IDS_TABLE),
        )
        store = DynamoJobStore(ddb, tables)
        outbox = DynamoOutbox(ddb, tables.outbox)
        keys = DynamoOperatorKeyStore(ddb, n.table(OPERATOR_KEYS_TABLE))
        issued = generate_operator_key("it", datetime.now(UTC))
        await keys.save(issued.record)
        publisher = FakeEventPublisher()
        status = bootstrap(
            store=store,
            outbox=outbox,
            keys=keys,
            secrets_source=StaticCallbackSecrets(["whsec_" + "A" * 43]),
            publisher=publisher,
            settings=StatusSettings(cursor_key="c" * 32),
            metrics=EmfMetrics(sink=CapturedEmf()),
        )
        yield Env(store, outbox, status, publisher, issued.record)


async def submit(env: Env, key: str, job_type: str = "promote") -> str:
    cmd = SubmitJob(type=job_type, params={"k": key})
    done = await submit_job(cmd, key, env.operator, env.status.deps)
    return done.job.job_id


async def to_running(env: Env, job_id: str) -> None:
    report = StatusReport(job_id, JobStatus.RUNNING, "started", "worker")
    await apply_status(report, env.status.deps.transitions)


async def test_submit_is_idempotent_and_writes_job_audit_and_event(env: Env) -> None:
    job_id = await submit(env, "a")
    again = await submit(env, "a")

    assert again == job_id
    job = await env.store.get(job_id)
    assert job is not None and job.status is JobStatus.SUBMITTED and job.version == 1
    history = await env.store.history(job_id)
    assert [(h.from_status, h.to_status) for h in history] == [(None, JobStatus.SUBMITTED)]
    assert [e.id for e in env.publisher.events()] == [history[0].event_id]
    assert await env.outbox.pending(datetime.now(UTC) + timedelta(hours=1), 10) == []


async def test_fifty_concurrent_conflicting_transitions_exactly_one_wins(env: Env) -> None:
    job_id = await submit(env, "race")
    await to_running(env, job_id)
    job = await env.store.get(job_id)
    assert job is not None
    at = datetime.now(UTC)

    async def attempt(i: int) -> str:
        target = JobStatus.SUCCEEDED if i % 2 else JobStatus.FAILED
        request = TransitionRequest(
            job_id, JobStatus.RUNNING, job.version, target, f"writer {i}", f"writer-{i}", at
        )
        audit = AuditEntry(
            job_id, job.version + 1, JobStatus.RUNNING, target, at, f"writer-{i}", "", f"e{i}"
        )
        item = OutboxItem(f"race-{i}", "job-events", "{}", at)
        try:
            await env.store.transition(request, audit, item)
        except TransitionConflictError:
            return "lost"
        return f"writer-{i}"

    results = await asyncio.gather(*(attempt(i) for i in range(50)))

    winners = [r for r in results if r != "lost"]
    assert len(winners) == 1
    history = await env.store.history(job_id)
    assert [h.actor for h in history[2:]] == winners
    assert len(history) == 3
    final = await env.store.get(job_id)
    assert final is not None and final.version == job.version + 1
    assert final.status_message == f"writer {winners[0].split('-')[1]}"
    outbox_ids = {i.event_id for i in await env.outbox.pending(at + timedelta(hours=1), 100)}
    assert outbox_ids == {f"race-{winners[0].split('-')[1]}"}


async def test_concurrent_reports_through_the_use_case_yield_one_transition(env: Env) -> None:
    job_id = await submit(env, "race2")
    await to_running(env, job_id)
    reports = [
        StatusReport(job_id, JobStatus.SUCCEEDED if i % 2 else JobStatus.FAILED, f"r{i}", "worker")
        for i in range(50)
    ]

    results = await asyncio.gather(
        *(apply_status(r, env.status.deps.transitions) for r in reports), return_exceptions=True
    )

    transitioned = [r for r in results if not isinstance(r, BaseException)]
    transitioned = [r for r in transitioned if r.outcome is Outcome.TRANSITIONED]
    assert len(transitioned) == 1
    history = await job_history(job_id, env.status.deps)
    assert [h.to_status for h in history] == [
        JobStatus.SUBMITTED,
        JobStatus.RUNNING,
        transitioned[0].status,
    ]


async def test_a_webhook_id_is_recorded_with_the_transition_and_replay_is_refused(
    env: Env,
) -> None:
    job_id = await submit(env, "hook")
    at = datetime.now(UTC)
    mark = WebhookMark("msg_1", job_id, int(at.timestamp()) + 3600)
    request = TransitionRequest(job_id, JobStatus.SUBMITTED, 1, JobStatus.RUNNING, "", "w", at)
    audit = AuditEntry(job_id, 2, JobStatus.SUBMITTED, JobStatus.RUNNING, at, "w", "", "ev2")
    await env.store.transition(request, audit, OutboxItem("ev2", "job-events", "{}", at), mark)

    assert await env.store.webhook_seen("msg_1", at)
    with pytest.raises(ReplayedWebhookError):
        await env.store.heartbeat(job_id, JobStatus.RUNNING, at, mark)
    # An expired id is no longer a replay.
    assert not await env.store.webhook_seen("msg_1", at + timedelta(hours=2))
    await env.store.heartbeat(job_id, JobStatus.RUNNING, at + timedelta(hours=2), mark)
    job = await env.store.get(job_id)
    assert job is not None and job.last_heartbeat_at == at + timedelta(hours=2)


async def test_listing_through_the_gsis_newest_first_with_cursors(env: Env) -> None:
    ids = [await submit(env, f"l{i}", "promote" if i % 2 == 0 else "compact") for i in range(5)]
    await to_running(env, ids[2])

    seen: list[str] = []
    cursor: str | None = None
    while True:
        page = await list_jobs(JobQuery(), 2, cursor, env.status.deps)
        seen += [j.job_id for j in page.jobs]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == ids[::-1]

    promote = await list_jobs(JobQuery(job_type="promote"), 10, None, env.status.deps)
    assert [j.job_id for j in promote.jobs] == [ids[4], ids[2], ids[0]]
    running = await list_jobs(JobQuery(status=JobStatus.RUNNING), 10, None, env.status.deps)
    assert [j.job_id for j in running.jobs] == [ids[2]]
    both = await list_jobs(
        JobQuery(status=JobStatus.SUBMITTED, job_type="compact"), 10, None, env.status.deps
    )
    assert [j.job_id for j in both.jobs] == [ids[3], ids[1]]

    first = await list_jobs(JobQuery(), 1, None, env.status.deps)
    assert first.next_cursor is not None
    with pytest.raises(InvalidCursorError):
        await list_jobs(JobQuery(), 1, first.next_cursor[:-3] + "AAA", env.status.deps)
    with pytest.raises(InvalidCursorError):
        await list_jobs(JobQuery(job_type="promote"), 1, first.next_cursor, env.status.deps)


async def test_run_id_is_recorded_once_and_stall_is_flagged_once(env: Env) -> None:
    job_id = await submit(env, "once")
    assert await env.store.set_run(job_id, "run-1")
    assert not await env.store.set_run(job_id, "run-2")
    at = datetime.now(UTC)
    item = OutboxItem("stall-1", "job-events", "{}", at)
    assert await env.store.mark_stalled(job_id, at, item)
    assert not await env.store.mark_stalled(job_id, at, OutboxItem("stall-2", "x", "{}", at))
    job = await env.store.get(job_id)
    assert job is not None and job.run_id == "run-1" and job.stalled_at == at


async def test_sweeper_times_out_and_flags_stalls_through_the_gsi(env: Env) -> None:
    deps = env.status.deps
    running = (
        await submit_job(
            SubmitJob(type="promote", heartbeat_seconds=60), "sweep-run", env.operator, deps
        )
    ).job.job_id
    waiting = (
        await submit_job(
            SubmitJob(type="promote", start_deadline_seconds=60), "sweep-wait", env.operator, deps
        )
    ).job.job_id
    await to_running(env, running)
    later = datetime.now(UTC) + timedelta(seconds=61)
    deps.transitions.clock = lambda: later

    result = await sweep_once(deps.transitions)

    assert result.timed_out == [running] and result.stalled == [waiting]
    job = await env.store.get(running)
    assert job is not None and (job.status, job.status_message) == (JobStatus.FAILED, TIMED_OUT)
    types = [e.type for e in env.publisher.events()]
    assert types.count("driftgate.job.stalled.v1") == 1
    assert (await sweep_once(deps.transitions)) == SweepResult([], [])
