"""The in-process platform runs the status service beside the others, on the emulator."""

from __future__ import annotations

import pytest
from aiohttp import ClientSession

from driftgate.cli.inprocess import InProcessPlatform
from driftgate.cli.jobs_commands import create_operator_key
from driftgate.runtime.aws import AwsClientFactory
from driftgate.runtime.naming import Naming
from driftgate.runtime.settings import AwsSettings, RuntimeSettings
from driftgate.runtime.topology import JOB_CALLBACK_SECRET
from driftgate.status.testing import callback_body, signed


@pytest.mark.timeout(60)
async def test_status_serves_jobs_and_signed_callbacks_in_the_platform(
    aws_settings: AwsSettings, aws: AwsClientFactory, naming: Naming
) -> None:
    runtime = RuntimeSettings(env=naming.env, shutdown_grace_seconds=5)
    async with InProcessPlatform(aws_settings, runtime) as platform, ClientSession() as http:
        key = await create_operator_key(aws_settings, naming, "e2e")
        async with aws.client("secretsmanager") as sm:
            secret = (await sm.get_secret_value(SecretId=naming.name(JOB_CALLBACK_SECRET)))[
                "SecretString"
            ]
        base = platform.status_url
        async with http.post(
            f"{base}/v1/jobs",
            json={"type": "promote"},
            headers={"X-Api-Key": key, "Idempotency-Key": "platform-1"},
        ) as resp:
            assert resp.status == 202
            job_id = (await resp.json())["job_id"]

        body = callback_body("RUNNING", message="started")
        async with http.post(
            f"{base}/internal/jobs/{job_id}/status", data=body, headers=signed(secret, body)
        ) as resp:
            assert resp.status == 200 and (await resp.json())["outcome"] == "transitioned"
        async with http.get(f"{base}/v1/jobs/{job_id}/history", headers={"X-Api-Key": key}) as r:
            entries = (await r.json())["entries"]
        assert [e["to_status"] for e in entries] == ["SUBMITTED", "RUNNING"]
