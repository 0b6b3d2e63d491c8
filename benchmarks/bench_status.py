"""Status service benchmarks.

1. The signed-callback endpoint (Standard Webhooks verification, replay guard, heartbeat write
   on the in-memory store) against a bare aiohttp handler that reads the body and answers 202,
   both over loopback HTTP in the same run. Target: at least 0.6x the bare handler.
2. Contention against the embedded emulator: 1,000 concurrent transition attempts over 100 jobs
   (five RUNNING then five conflicting terminal reports per job), through the real use case and
   the DynamoDB store. Reports throughput, p99, and checks that the audit trail holds exactly one
   entry per committed transition: none lost, none duplicated.
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import time
from datetime import UTC, datetime
from typing import Any

from aiohttp import ClientSession, TCPConnector, web

from driftgate.contracts.events import JobStatus
from driftgate.runtime.aws import AwsClientFactory, resolve_account_id
from driftgate.runtime.local.emulator import EmbeddedAws
from driftgate.runtime.local.provision import apply_topology
from driftgate.runtime.naming import Naming
from driftgate.runtime.publisher import FakeEventPublisher
from driftgate.runtime.settings import AwsSettings
from driftgate.runtime.topology import (
    JOB_AUDIT_TABLE,
    JOB_OUTBOX_TABLE,
    JOBS_TABLE,
    TOPOLOGY,
    WEBHOOK_IDS_TABLE,
)
from driftgate.status.adapters.callback_secrets import StaticCallbackSecrets
from driftgate.status.adapters.dynamo_job_store import DynamoJobStore, DynamoOutbox, JobTables
from driftgate.status.adapters.dynamo_operator_keys import InMemoryOperatorKeyStore
from driftgate.status.bootstrap import bootstrap
from driftgate.status.domain.metrics import CapturedEmf, EmfMetrics
from driftgate.status.domain.operator_keys import generate_operator_key
from driftgate.status.errors import InvalidTransitionError
from driftgate.status.handlers import SubmitJob, submit_job
from driftgate.status.settings import StatusSettings
from driftgate.status.testing import callback_body, memory_harness, signed
from driftgate.status.transitions import Outcome, StatusReport, apply_status

REQUESTS = 3000
CONCURRENCY = 32
JOBS = 100
ATTEMPTS_PER_JOB = 10
TIMEOUT = 110.0


async def _serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


async def _blast(url_of: Any, requests: list[tuple[str, bytes, dict[str, str]]]) -> float:
    """Send every request with bounded concurrency; return requests per second."""
    queue: asyncio.Queue[tuple[str, bytes, dict[str, str]]] = asyncio.Queue()
    for r in requests:
        queue.put_nowait(r)
    async with ClientSession(connector=TCPConnector(limit=CONCURRENCY)) as http:

        async def worker() -> None:
            while not queue.empty():
                path, body, headers = queue.get_nowait()
                async with http.post(url_of(path), data=body, headers=headers) as resp:
                    await resp.read()
                    if resp.status not in (200, 202):
                        raise RuntimeError(f"unexpected {resp.status}: {await resp.text()}")

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        return len(requests) / (time.perf_counter() - started)


async def _endpoint() -> None:
    h = await memory_harness(StatusSettings(cursor_key="b" * 32))
    operator = next(iter(h.keys.records.values()))
    job_ids = []
    for i in range(50):
        done = await submit_job(SubmitJob(type="bench"), f"b{i}", operator, h.status.deps)
        job_ids.append(done.job.job_id)
        await apply_status(
            StatusReport(done.job.job_id, JobStatus.RUNNING, "", "bench"), h.status.deps.transitions
        )

    async def bare(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(status=202)

    bare_app = web.Application()
    bare_app.router.add_post("/internal/jobs/{job_id}/status", bare)
    status_runner, status_url = await _serve(h.status.app)
    bare_runner, bare_url = await _serve(bare_app)
    try:

        def batch(n: int) -> list[tuple[str, bytes, dict[str, str]]]:
            out = []
            for i in range(n):
                body = callback_body("RUNNING", message="heartbeat")
                path = f"/internal/jobs/{job_ids[i % len(job_ids)]}/status"
                out.append((path, body, signed(h.secret, body)))
            return out

        results: dict[str, list[float]] = {"status": [], "bare": []}
        await _blast(lambda p: status_url + p, batch(300))  # warm-up
        await _blast(lambda p: bare_url + p, batch(300))
        for _ in range(3):  # interleaved, best of three
            results["status"].append(await _blast(lambda p: status_url + p, batch(REQUESTS)))
            results["bare"].append(await _blast(lambda p: bare_url + p, batch(REQUESTS)))
    finally:
        await status_runner.cleanup()
        await bare_runner.cleanup()
    status_rps, bare_rps = max(results["status"]), max(results["bare"])
    print(
        f"signed-callback endpoint: {status_rps:,.0f} req/s vs bare aiohttp 202 handler "
        f"{bare_rps:,.0f} req/s -> ratio {status_rps / bare_rps:.2f}x (target >= 0.6x); "
        f"{REQUESTS} requests, concurrency {CONCURRENCY}"
    )


async def _contention() -> None:
    emulator = EmbeddedAws(port=0)
    endpoint = await asyncio.to_thread(emulator.start)
    try:
        factory = AwsClientFactory(AwsSettings(endpoint_url=endpoint))
        naming = Naming("benchstatus", account_id=await resolve_account_id(factory))
        await apply_topology(factory, TOPOLOGY, naming)
        async with factory.client("dynamodb") as ddb:
            tables = JobTables(
                naming.table(JOBS_TABLE),
                naming.table(JOB_AUDIT_TABLE),
                naming.table(JOB_OUTBOX_TABLE),
                naming.table(WEBHOOK_IDS_TABLE),
            )
            store = DynamoJobStore(ddb, tables)
            publisher = FakeEventPublisher()
            keys = InMemoryOperatorKeyStore()
            issued = generate_operator_key("bench", datetime.now(UTC))
            await keys.save(issued.record)
            status = bootstrap(
                store=store,
                outbox=DynamoOutbox(ddb, tables.outbox),
                keys=keys,
                secrets_source=StaticCallbackSecrets(["whsec_" + "A" * 43]),
                publisher=publisher,
                settings=StatusSettings(cursor_key="b" * 32),
                metrics=EmfMetrics(sink=CapturedEmf()),
            )
            jobs = [
                (
                    await submit_job(SubmitJob(type="bench"), f"c{i}", issued.record, status.deps)
                ).job.job_id
                for i in range(JOBS)
            ]
            gate = asyncio.Semaphore(50)
            latencies: list[float] = []
            outcomes: dict[str, int] = {}

            async def attempt(job_id: str, target: JobStatus) -> None:
                async with gate:
                    started = time.perf_counter()
                    try:
                        applied = await apply_status(
                            StatusReport(job_id, target, f"to {target}", "bench"),
                            status.deps.transitions,
                        )
                        key = applied.outcome.value
                    except InvalidTransitionError:
                        key = "invalid"
                    latencies.append(time.perf_counter() - started)
                    outcomes[key] = outcomes.get(key, 0) + 1

            half = ATTEMPTS_PER_JOB // 2
            started = time.perf_counter()
            await asyncio.gather(
                *(attempt(j, JobStatus.RUNNING) for j in jobs for _ in range(half))
            )
            terminal = (JobStatus.SUCCEEDED, JobStatus.FAILED)
            await asyncio.gather(*(attempt(j, terminal[k % 2]) for j in jobs for k in range(half)))
            elapsed = time.perf_counter() - started

            histories = [await store.history(j) for j in jobs]
    finally:
        await asyncio.to_thread(emulator.stop)
    committed = outcomes.get(Outcome.TRANSITIONED.value, 0)
    audited = sum(len(h) - 1 for h in histories)  # minus each job's submission entry
    event_ids = [e.event_id for h in histories for e in h]
    contiguous = all([e.version for e in h] == [1, 2, 3] for h in histories)
    published = len(publisher.events("driftgate.job.status.changed.v1"))
    lost = committed - audited
    duplicated = len(event_ids) - len(set(event_ids))
    p99 = statistics.quantiles(latencies, n=100)[98] * 1000
    print(
        f"contention: {len(latencies)} transition attempts over {JOBS} jobs in {elapsed:.1f}s "
        f"= {len(latencies) / elapsed:,.0f}/s, p50 {statistics.median(latencies) * 1000:.1f} ms, "
        f"p99 {p99:.1f} ms; outcomes {outcomes}"
    )
    print(
        f"audit: {committed} committed transitions, {audited} audit entries, lost {lost}, "
        f"duplicated {duplicated}, versions contiguous {contiguous}, "
        f"{published} status events published"
    )
    if lost or duplicated or not contiguous or published != committed:
        raise SystemExit("status benchmark found lost or duplicated audit entries")


def main() -> None:
    logging.getLogger("driftgate").setLevel(logging.WARNING)

    async def both() -> None:
        async with asyncio.timeout(TIMEOUT):
            await _endpoint()
            await _contention()

    asyncio.run(both())


if __name__ == "__main__":
    main()
