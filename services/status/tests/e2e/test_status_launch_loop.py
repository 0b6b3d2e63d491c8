"""The whole loop on the emulator: submit → job.submitted.v1 → launcher queue → local run of
the sample worker → signed RUNNING, heartbeat and SUCCEEDED (or FAILED) callbacks."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp import ClientSession

from driftgate.runtime.aws import AwsClientFactory
from driftgate.runtime.http_server import HttpServer
from driftgate.runtime.lifecycle import ServiceRunner
from driftgate.runtime.naming import Naming
from driftgate.runtime.service_host import serve_service
from driftgate.runtime.settings import AwsSettings, RuntimeSettings
from driftgate.runtime.topology import OPERATOR_KEYS_TABLE
from driftgate.status.adapters.dynamo_operator_keys import DynamoOperatorKeyStore
from driftgate.status.domain.operator_keys import generate_operator_key
from driftgate.status.entrypoints.server import builder
from driftgate.status.settings import StatusSettings


@dataclass
class Running:
    url: str
    key: str
    http: ClientSession

    async def submit(self, idem: str, **params: Any) -> str:
        async with self.http.post(
            f"{self.url}/v1/jobs",
            json={"type": "sample", "params": params},
            headers={"X-Api-Key": self.key, "Idempotency-Key": idem},
        ) as resp:
            assert resp.status == 202, await resp.text()
            return str((await resp.json())["job_id"])

    async def get(self, path: str) -> Any:
        async with self.http.get(f"{self.url}{path}", headers={"X-Api-Key": self.key}) as resp:
            assert resp.status == 200, await resp.text()
            return await resp.json()

    async def wait_terminal(self, job_id: str) -> Any:
        async with asyncio.timeout(40):
            while True:
                job = await self.get(f"/v1/jobs/{job_id}")
                if job["status"] in ("SUCCEEDED", "FAILED"):
                    return job
                await asyncio.sleep(0.2)


@pytest.fixture
async def running(
    aws: AwsClientFactory, aws_settings: AwsSettings, provisioned: Naming
) -> AsyncIterator[Running]:
    issued = generate_operator_key("e2e", datetime.now(UTC))
    async with aws.client("dynamodb") as ddb:
        await DynamoOperatorKeyStore(ddb, provisioned.table(OPERATOR_KEYS_TABLE)).save(
            issued.record
        )
    settings = StatusSettings(
        port=0,
        launcher="local",
        local_command=f"{sys.executable} -m driftgate.status.sample_worker",
        outbox_interval_seconds=0.2,
        outbox_min_age_seconds=1,
        sweep_interval_seconds=60,
        secret_cache_seconds=0,
        cursor_key="e" * 32,
    )
    runtime = RuntimeSettings(env=provisioned.env, shutdown_grace_seconds=5)
    servers: list[HttpServer] = []
    runners: list[ServiceRunner] = []
    task = asyncio.create_task(
        serve_service(
            "status",
            builder(settings, aws_settings, runtime, on_listening=servers),
            runtime,
            started=runners.append,
        )
    )
    async with asyncio.timeout(30):
        while not servers or not servers[0].urls:
            if task.done():
                task.result()
            await asyncio.sleep(0.05)
    try:
        async with ClientSession() as http:
            yield Running(servers[0].urls[0], issued.secret, http)
    finally:
        for runner in runners:
            await runner.shutdown()
        await task


@pytest.mark.timeout(60)
async def test_submitted_job_runs_heartbeats_and_succeeds(running: Running) -> None:
    job_id = await running.submit("loop-ok", outcome="SUCCEEDED")

    job = await running.wait_terminal(job_id)

    assert job["status"] == "SUCCEEDED" and job["status_message"] == "done"
    assert job["run_id"].startswith("local-")
    assert job["quality"]["level"] == "GREEN" and job["metrics"] == {"rows": 1.0}
    assert job["last_heartbeat_at"] >= job["started_at"]
    history = (await running.get(f"/v1/jobs/{job_id}/history"))["entries"]
    assert [(e["from_status"], e["to_status"]) for e in history] == [
        (None, "SUBMITTED"),
        ("SUBMITTED", "RUNNING"),
        ("RUNNING", "SUCCEEDED"),
    ]


@pytest.mark.timeout(60)
async def test_a_failing_run_ends_failed_and_visible(running: Running) -> None:
    job_id = await running.submit("loop-fail", outcome="FAILED")

    job = await running.wait_terminal(job_id)

    assert job["status"] == "FAILED" and job["status_message"] == "sample failure"
    failed = await running.get("/v1/jobs?status=FAILED")
    assert job_id in [j["job_id"] for j in failed["jobs"]]
