"""No lost transitions: events committed with a change reach SNS even if the process dies
between the commit and the publish (the outbox relay publishes them after a restart)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from driftgate.contracts import CloudEvent, parse_event
from driftgate.contracts.events import JobStatus
from driftgate.runtime.aws import AwsClientFactory
from driftgate.runtime.local.provision import allow_sns_policy
from driftgate.runtime.naming import Naming
from driftgate.runtime.publisher import SnsEventPublisher
from driftgate.runtime.topology import (
    JOB_AUDIT_TABLE,
    JOB_EVENTS_TOPIC,
    JOB_OUTBOX_TABLE,
    JOBS_TABLE,
    WEBHOOK_IDS_TABLE,
)
from driftgate.status.adapters.callback_secrets import StaticCallbackSecrets
from driftgate.status.adapters.dynamo_job_store import DynamoJobStore, DynamoOutbox, JobTables
from driftgate.status.adapters.dynamo_operator_keys import InMemoryOperatorKeyStore
from driftgate.status.bootstrap import bootstrap
from driftgate.status.domain.metrics import CapturedEmf, EmfMetrics
from driftgate.status.domain.operator_keys import generate_operator_key
from driftgate.status.handlers import SubmitJob, submit_job
from driftgate.status.ports import JobQuery
from driftgate.status.settings import StatusSettings
from driftgate.status.transitions import StatusReport, apply_status


class DiesBeforePublishing:
    """The process is killed right after the commit: the publish never happens."""

    def __init__(self) -> None:
        self.attempts = 0

    async def publish(self, topic: str, event: CloudEvent[Any]) -> None:
        self.attempts += 1
        raise asyncio.CancelledError


async def _tap(sqs: Any, naming: Naming, sns: Any) -> str:
    url = (await sqs.create_queue(QueueName=naming.name("job-events-tap")))["QueueUrl"]
    arn = naming.queue_arn("job-events-tap")
    topic = naming.topic_arn(JOB_EVENTS_TOPIC)
    await sqs.set_queue_attributes(
        QueueUrl=url, Attributes={"Policy": json.dumps(allow_sns_policy(arn, topic))}
    )
    await sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=arn,
        Attributes={"RawMessageDelivery": "true"},
    )
    return url


async def _drain(sqs: Any, url: str, expected: int, rounds: int = 20) -> list[CloudEvent[Any]]:
    events: list[CloudEvent[Any]] = []
    for _ in range(rounds):
        resp = await sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        events += [parse_event(m["Body"]) for m in resp.get("Messages", [])]
        if len(events) >= expected:
            break
    return events


@pytest.mark.timeout(60)
async def test_events_committed_before_a_crash_are_published_after_restart(
    aws: AwsClientFactory, provisioned: Naming
) -> None:
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
    async with aws.client("dynamodb") as ddb, aws.client("sns") as sns, aws.client("sqs") as sqs:
        tap = await _tap(sqs, n, sns)
        store = DynamoJobStore(ddb, tables)
        dying = DiesBeforePublishing()
        first_life = bootstrap(
            store=store,
            outbox=DynamoOutbox(ddb, tables.outbox),
            keys=keys,
            secrets_source=StaticCallbackSecrets(["whsec_" + "A" * 43]),
            publisher=dying,
            settings=StatusSettings(cursor_key="c" * 32),
            metrics=EmfMetrics(sink=CapturedEmf()),
        )
        with pytest.raises(asyncio.CancelledError):
            await submit_job(SubmitJob(type="promote"), "crash-1", issued.record, first_life.deps)
        job_id = (await store.list_jobs(JobQuery(), 1, None))[0][0].job_id
        with pytest.raises(asyncio.CancelledError):
            await apply_status(
                StatusReport(job_id, JobStatus.RUNNING, "started", "worker"),
                first_life.deps.transitions,
            )
        assert dying.attempts == 2

        # The restarted process: new relay, real SNS publisher.
        restarted = bootstrap(
            store=store,
            outbox=DynamoOutbox(ddb, tables.outbox),
            keys=keys,
            secrets_source=StaticCallbackSecrets(["whsec_" + "A" * 43]),
            publisher=SnsEventPublisher(sns, n),
            settings=StatusSettings(cursor_key="c" * 32, outbox_min_age_seconds=5),
            metrics=EmfMetrics(sink=CapturedEmf()),
        )
        # Entries younger than the minimum age may still be published by their request.
        assert await restarted.relay.relay_once(datetime.now(UTC) - timedelta(seconds=5)) == 0
        assert await _drain(sqs, tap, 1, rounds=2) == []  # nothing reached SNS before the relay
        published = await restarted.relay.relay_once(datetime.now(UTC) + timedelta(seconds=6))

        events = await _drain(sqs, tap, 2)
        history = await store.history(job_id)
        assert published == 2
        assert {e.id for e in events} == {h.event_id for h in history}
        assert {e.type for e in events} == {
            "driftgate.job.submitted.v1",
            "driftgate.job.status.changed.v1",
        }
        assert await restarted.relay.relay_once(datetime.now(UTC) + timedelta(hours=1)) == 0
