"""A payload, then a payload with a field removed, gives a drift alert on the alerts topic.

The whole platform runs in-process against the embedded emulator, over real HTTP and real
aiobotocore calls. The alert must carry the trace id of the ingest request that caused it.
"""

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import ClientSession

from driftgate.cli.alert_tap import create_alert_tap
from driftgate.cli.inprocess import InProcessPlatform
from driftgate.cli.provisioning import create_api_key
from driftgate.contracts import CloudEvent, parse_event
from driftgate.runtime.aws import AwsClientFactory
from driftgate.runtime.settings import AwsSettings, RuntimeSettings

pytestmark = pytest.mark.e2e


@pytest.fixture
async def platform(aws_settings: AwsSettings) -> AsyncIterator[InProcessPlatform]:
    runtime = RuntimeSettings(env=f"e{uuid.uuid4().hex[:8]}", shutdown_grace_seconds=5)
    async with InProcessPlatform(aws_settings, runtime) as running:
        yield running


async def post(
    session: ClientSession, url: str, key: str, body: bytes
) -> tuple[dict[str, Any], str]:
    async with session.post(
        url, data=body, headers={"X-Api-Key": key, "Content-Type": "application/json"}
    ) as resp:
        assert resp.status == 202, await resp.text()
        return await resp.json(), resp.headers["traceparent"]


async def next_alert(
    aws: AwsClientFactory, url: str, deadline: float
) -> tuple[CloudEvent[Any], dict[str, Any]]:
    async with aws.client("sqs") as sqs, asyncio.timeout(deadline):
        while True:
            resp = await sqs.receive_message(
                QueueUrl=url,
                WaitTimeSeconds=2,
                MaxNumberOfMessages=10,
                MessageAttributeNames=["All"],
            )
            for message in resp.get("Messages", []):
                return parse_event(message["Body"]), message.get("MessageAttributes", {})


async def test_removed_field_raises_alert_carrying_ingest_trace(
    platform: InProcessPlatform, aws: AwsClientFactory, aws_settings: AwsSettings
) -> None:
    assert platform.naming is not None
    async with aws.client("sqs") as sqs, aws.client("sns") as sns:
        tap = await create_alert_tap(sqs, sns, platform.naming)
    key = await create_api_key(aws_settings, platform.naming, "orders")
    url = f"{platform.ingest_url}/v1/sources/orders/payloads"

    async with ClientSession() as session:
        await post(session, url, key, b'{"order_id": 1, "customer_id": "c-1", "total": 9.5}')
        # The first payload defines version 1; give the profiler a moment so order is kept.
        await asyncio.sleep(1.0)
        receipt, traceparent = await post(session, url, key, b'{"order_id": 2, "total": 3.0}')

    alert, attributes = await next_alert(aws, tap, deadline=40)
    assert alert.type == "driftgate.alert.raised.v1"
    assert alert.data.kind == "schema_drift"
    assert alert.data.severity == "critical"
    assert attributes["severity"]["StringValue"] == "critical"
    assert "removed field customer_id" in alert.data.detail
    assert receipt["ingest_id"] in alert.data.detail
    assert alert.traceparent is not None
    assert alert.traceparent.split("-")[1] == traceparent.split("-")[1]
