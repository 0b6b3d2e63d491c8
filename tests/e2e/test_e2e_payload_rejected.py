"""An unreadable payload is dead-lettered by the profiler and alerted by the notifier.

The whole platform runs in-process against the embedded emulator: ingest lands the bytes
untouched, the profiler copies them under dead-letter/ with an error report, and the
notifier's subscription to payload.rejected.v1 turns that into a warning on the alerts topic.
"""

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest
from aiohttp import ClientSession

from driftgate.cli.alert_tap import create_alert_tap
from driftgate.cli.inprocess import InProcessPlatform
from driftgate.cli.provisioning import create_api_key
from driftgate.contracts import CloudEvent, parse_event
from driftgate.runtime.aws import AwsClientFactory
from driftgate.runtime.settings import AwsSettings, RuntimeSettings
from driftgate.runtime.topology import RAW_BUCKET

pytestmark = pytest.mark.e2e

BODY = b'{"order_id": 1}\n{"order_id": 2,\n'


@pytest.fixture
async def platform(aws_settings: AwsSettings) -> AsyncIterator[InProcessPlatform]:
    runtime = RuntimeSettings(env=f"e{uuid.uuid4().hex[:8]}", shutdown_grace_seconds=5)
    async with InProcessPlatform(aws_settings, runtime) as running:
        yield running


async def next_alert(aws: AwsClientFactory, url: str) -> CloudEvent[Any]:
    async with aws.client("sqs") as sqs, asyncio.timeout(40):
        while True:
            resp = await sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2)
            for message in resp.get("Messages", []):
                return parse_event(message["Body"])


async def test_unreadable_payload_is_dead_lettered_and_alerted(
    platform: InProcessPlatform, aws: AwsClientFactory, aws_settings: AwsSettings
) -> None:
    assert platform.naming is not None
    async with aws.client("sqs") as sqs, aws.client("sns") as sns:
        tap = await create_alert_tap(sqs, sns, platform.naming)
    key = await create_api_key(aws_settings, platform.naming, "orders")
    async with (
        ClientSession() as session,
        session.post(
            f"{platform.ingest_url}/v1/sources/orders/payloads",
            data=BODY,
            headers={"X-Api-Key": key, "Content-Type": "application/x-ndjson"},
        ) as resp,
    ):
        assert resp.status == 202, await resp.text()
        ingest_id = (await resp.json())["ingest_id"]

    alert = await next_alert(aws, tap)
    assert alert.data.kind == "payload_rejected" and alert.data.severity == "warning"
    assert ingest_id in alert.data.detail and "line 2" in alert.data.detail

    bucket = platform.naming.bucket(RAW_BUCKET)
    async with aws.client("s3") as s3:
        listed = await s3.list_objects_v2(Bucket=bucket, Prefix="dead-letter/source=orders/")
        by_name = {o["Key"].rsplit("/", 1)[-1]: o["Key"] for o in listed.get("Contents", [])}
        assert sorted(by_name) == sorted(["error.json", f"{ingest_id}.ndjson"])
        report = await s3.get_object(Bucket=bucket, Key=by_name["error.json"])
        assert orjson.loads(await report["Body"].read())["line"] == 2
        copy = await s3.get_object(Bucket=bucket, Key=by_name[f"{ingest_id}.ndjson"])
        assert await copy["Body"].read() == BODY
