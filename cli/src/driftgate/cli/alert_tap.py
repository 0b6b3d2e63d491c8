"""A local-only queue subscribed to the alerts topic, so a developer sees alerts in the console.

It is not part of the topology: in AWS, people subscribe e-mail, chat or pager endpoints.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from driftgate.contracts import CloudEvent, parse_event
from driftgate.runtime.local.provision import allow_sns_policy
from driftgate.runtime.naming import Naming
from driftgate.runtime.topology import ALERTS_TOPIC

if TYPE_CHECKING:
    from types_aiobotocore_sns import SNSClient
    from types_aiobotocore_sqs import SQSClient

TAP_LOGICAL = "alerts-local-tap"


async def create_alert_tap(sqs: SQSClient, sns: SNSClient, naming: Naming) -> str:
    """Create (idempotently) the tap queue, subscribe it with raw delivery, return its URL."""
    name = naming.name(TAP_LOGICAL)
    url = (await sqs.create_queue(QueueName=name))["QueueUrl"]
    queue_arn = naming.queue_arn(TAP_LOGICAL)
    topic_arn = naming.topic_arn(ALERTS_TOPIC)
    policy = allow_sns_policy(queue_arn, topic_arn)
    await sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
    await sns.subscribe(
        TopicArn=topic_arn,
        Protocol="sqs",
        Endpoint=queue_arn,
        Attributes={"RawMessageDelivery": "true"},
    )
    return url


async def tail_alerts(
    sqs: SQSClient, url: str, *, wait_seconds: int = 10
) -> AsyncIterator[CloudEvent[Any]]:
    """Yield alerts as they arrive, deleting each after it was yielded."""
    while True:
        resp = await sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=wait_seconds,
            MessageAttributeNames=["All"],
        )
        for message in resp.get("Messages", []):
            yield parse_event(message["Body"])
            await sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def format_alert(event: CloudEvent[Any]) -> str:
    data = event.data
    trace = f" trace={event.traceparent.split('-')[1]}" if event.traceparent else ""
    return f"ALERT [{data.severity}] {data.title}\n      {data.detail}{trace}"
