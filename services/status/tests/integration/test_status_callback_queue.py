"""Signed callbacks over the FIFO callback queue: applied in order per job; forged → DLQ."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from driftgate.contracts.events import JobStatus
from driftgate.contracts.webhook_signing import generate_secret, sign_headers
from driftgate.runtime.aws import AwsClientFactory
from driftgate.runtime.naming import Naming
from driftgate.runtime.publisher import FakeEventPublisher
from driftgate.runtime.topology import (
    JOB_AUDIT_TABLE,
    JOB_CALLBACKS_QUEUE,
    JOB_OUTBOX_TABLE,
    JOBS_TABLE,
    TOPOLOGY,
    WEBHOOK_IDS_TABLE,
)
from driftgate.status.adapters.callback_secrets import StaticCallbackSecrets
from driftgate.status.adapters.dynamo_job_store import DynamoJobStore, DynamoOutbox, JobTables
from driftgate.status.adapters.dynamo_operator_keys import InMemoryOperatorKeyStore
from driftgate.status.bootstrap import StatusApp, bootstrap
from driftgate.status.callback_queue import CallbackQueueConsumer
from driftgate.status.domain.metrics import CapturedEmf, EmfMetrics
from driftgate.status.domain.operator_keys import generate_operator_key
from driftgate.status.handlers import SubmitJob, submit_job
from driftgate.status.settings import StatusSettings
from driftgate.status.testing import callback_body

SECRET = generate_secret()


@dataclass
class Env:
    sqs: Any
    url: str
    dlq_url: str
    status: StatusApp
    consumer: CallbackQueueConsumer
    job_id: str

    async def send(self, body: bytes, secret: str = SECRET) -> None:
        headers = sign_headers(secret, body).as_dict()
        await self.sqs.send_message(
            QueueUrl=self.url,
            MessageBody=body.decode(),
            MessageGroupId=self.job_id,
            MessageDeduplicationId=headers["webhook-id"],
            MessageAttributes={
                k: {"DataType": "String", "StringValue": v} for k, v in headers.items()
            },
        )


@pytest.fixture
async def env(aws: AwsClientFactory, provisioned: Naming) -> AsyncIterator[Env]:
    n = provisioned
    tables = JobTables(
        n.table(JOBS_TABLE),
        n.table(JOB_AUDIT_TABLE),
        n.table(JOB_OUTBOX_TABLE),
        n.table(WEBHOOK_IDS_TABLE),
    )
    keys = InMemoryOperatorKeyStore()
    issued = generate_operator_key("it", datetime.now(UTC))
    await keys.save(issued.record)
    async with aws.client("dynamodb") as ddb, aws.client("sqs") as sqs:
        store = DynamoJobStore(ddb, tables)
        status = bootstrap(
            store=store,
            outbox=DynamoOutbox(ddb, tables.outbox),
            keys=keys,
            secrets_source=StaticCallbackSecrets([SECRET]),
            publisher=FakeEventPublisher(),
            settings=StatusSettings(cursor_key="q" * 32),
            metrics=EmfMetrics(sink=CapturedEmf()),
        )
        queue = TOPOLOGY.queue(JOB_CALLBACKS_QUEUE)
        url = (await sqs.get_queue_url(QueueName=n.name(queue.logical, fifo=True)))["QueueUrl"]
        dlq = (await sqs.get_queue_url(QueueName=n.name(queue.dlq_logical, fifo=True)))["QueueUrl"]
        job = await submit_job(SubmitJob(type="promote"), "q-1", issued.record, status.deps)
        consumer = CallbackQueueConsumer(sqs, url, status.callbacks, wait_seconds=0)
        yield Env(sqs, url, dlq, status, consumer, job.job.job_id)


async def test_queued_callbacks_are_applied_in_order_per_job(env: Env) -> None:
    await env.send(callback_body("RUNNING", message="started"))
    await env.send(callback_body("RUNNING", message="beat"))
    await env.send(callback_body("SUCCEEDED", message="done"))

    deleted = 0
    for _ in range(10):
        deleted += await env.consumer.poll_once()
        if deleted == 3:
            break

    assert deleted == 3
    history = await env.status.deps.store.history(env.job_id)
    assert [h.to_status for h in history] == [
        JobStatus.SUBMITTED,
        JobStatus.RUNNING,
        JobStatus.SUCCEEDED,
    ]
    job = await env.status.deps.store.get(env.job_id)
    assert job is not None and job.status_message == "done"


async def test_a_forged_queued_callback_ends_in_the_dlq_and_changes_nothing(env: Env) -> None:
    await env.send(callback_body("RUNNING"), secret=generate_secret())

    moved: list[Any] = []
    for _ in range(12):  # maxReceiveCount receives, each made visible again at once
        await env.consumer.poll_once()
        moved = (await env.sqs.receive_message(QueueUrl=env.dlq_url, WaitTimeSeconds=0)).get(
            "Messages", []
        )
        if moved:
            break

    assert len(moved) == 1
    job = await env.status.deps.store.get(env.job_id)
    assert job is not None and job.status is JobStatus.SUBMITTED
