"""Apply the topology to an AWS endpoint (the emulator locally). Idempotent: safe to re-run."""

from __future__ import annotations

import json
import logging
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from driftgate.contracts.webhook_signing import generate_secret
from driftgate.runtime.aws import AwsClientFactory
from driftgate.runtime.naming import Naming
from driftgate.runtime.topology import Queue, Secret, Table, Topology

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb import DynamoDBClient
    from types_aiobotocore_secretsmanager import SecretsManagerClient
    from types_aiobotocore_sqs import SQSClient
    from types_aiobotocore_sqs.literals import QueueAttributeNameType

log = logging.getLogger(__name__)


async def apply_topology(factory: AwsClientFactory, topology: Topology, naming: Naming) -> None:
    """Create every bucket, topic, queue (with DLQ and redrive), subscription and table."""
    topology.validate()
    async with AsyncExitStack() as stack:
        s3 = await stack.enter_async_context(factory.client("s3"))
        sns = await stack.enter_async_context(factory.client("sns"))
        sqs = await stack.enter_async_context(factory.client("sqs"))
        ddb = await stack.enter_async_context(factory.client("dynamodb"))

        for bucket in topology.buckets:
            name = naming.bucket(bucket.logical)
            try:
                await s3.create_bucket(Bucket=name)
            except ClientError as exc:
                if exc.response["Error"]["Code"] != "BucketAlreadyOwnedByYou":
                    raise
            if bucket.versioned:
                await s3.put_bucket_versioning(
                    Bucket=name, VersioningConfiguration={"Status": "Enabled"}
                )

        for topic in topology.topics:
            await sns.create_topic(Name=naming.name(topic.logical))

        queue_urls: dict[str, str] = {}
        for queue in topology.queues:
            queue_urls[queue.logical] = await _create_queue_with_dlq(sqs, queue, naming)

        # One policy per queue naming every topic subscribed to it: setting one per
        # subscription would leave only the last topic allowed to deliver.
        topics_of: dict[str, list[str]] = {}
        for sub in topology.subscriptions:
            topics_of.setdefault(sub.queue, []).append(naming.topic_arn(sub.topic))
        for queue_logical, topic_arns in topics_of.items():
            policy = allow_sns_policy(naming.queue_arn(queue_logical), *topic_arns)
            await sqs.set_queue_attributes(
                QueueUrl=queue_urls[queue_logical], Attributes={"Policy": json.dumps(policy)}
            )
        for sub in topology.subscriptions:
            topic_arn = naming.topic_arn(sub.topic)
            queue_arn = naming.queue_arn(sub.queue)
            await sns.subscribe(
                TopicArn=topic_arn,
                Protocol="sqs",
                Endpoint=queue_arn,
                Attributes={
                    "RawMessageDelivery": "true" if sub.raw_delivery else "false",
                    "FilterPolicy": json.dumps(sub.filter_policy()),
                    "FilterPolicyScope": "MessageAttributes",
                },
                ReturnSubscriptionArn=True,
            )

        for table in topology.tables:
            await _create_table(ddb, table, naming)

        if topology.secrets:
            secrets = await stack.enter_async_context(factory.client("secretsmanager"))
            for secret in topology.secrets:
                await _create_secret(secrets, secret, naming)
    log.info("topology applied", extra={"env": naming.env})


async def _create_secret(client: SecretsManagerClient, secret: Secret, naming: Naming) -> None:
    """Create the secret with a fresh signing key; an existing secret keeps its value."""
    try:
        await client.create_secret(Name=naming.name(secret.logical), SecretString=generate_secret())
    except client.exceptions.ResourceExistsException:
        return


async def _create_queue_with_dlq(sqs: SQSClient, queue: Queue, naming: Naming) -> str:
    fifo_attrs: dict[QueueAttributeNameType, str] = {"FifoQueue": "true"} if queue.fifo else {}
    dlq = await sqs.create_queue(
        QueueName=naming.name(queue.dlq_logical, fifo=queue.fifo),
        Attributes={"MessageRetentionPeriod": str(queue.dlq_retention_seconds), **fifo_attrs},
    )
    dlq_attrs = await sqs.get_queue_attributes(
        QueueUrl=dlq["QueueUrl"], AttributeNames=["QueueArn"]
    )
    redrive = {
        "deadLetterTargetArn": dlq_attrs["Attributes"]["QueueArn"],
        "maxReceiveCount": str(queue.max_receive_count),
    }
    created = await sqs.create_queue(
        QueueName=naming.name(queue.logical, fifo=queue.fifo),
        Attributes={
            "VisibilityTimeout": str(queue.visibility_timeout_seconds),
            "MessageRetentionPeriod": str(queue.retention_seconds),
            "RedrivePolicy": json.dumps(redrive),
            **fifo_attrs,
        },
    )
    return created["QueueUrl"]


def allow_sns_policy(queue_arn: str, topic_arn: str, *more_topic_arns: str) -> dict[str, object]:
    """The queue policy that lets the given topics deliver to one queue."""
    source: str | list[str] = [topic_arn, *more_topic_arns] if more_topic_arns else topic_arn
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": source}},
            }
        ],
    }


async def _create_table(ddb: DynamoDBClient, table: Table, naming: Naming) -> None:
    name = naming.table(table.logical)
    attrs = {table.partition_key.name: table.partition_key.type}
    key_schema = [{"AttributeName": table.partition_key.name, "KeyType": "HASH"}]
    if table.sort_key:
        attrs[table.sort_key.name] = table.sort_key.type
        key_schema.append({"AttributeName": table.sort_key.name, "KeyType": "RANGE"})
    gsis = []
    for index in table.indexes:
        attrs[index.partition_key.name] = index.partition_key.type
        index_keys = [{"AttributeName": index.partition_key.name, "KeyType": "HASH"}]
        if index.sort_key:
            attrs[index.sort_key.name] = index.sort_key.type
            index_keys.append({"AttributeName": index.sort_key.name, "KeyType": "RANGE"})
        gsis.append(
            {
                "IndexName": index.name,
                "KeySchema": index_keys,
                "Projection": {"ProjectionType": "ALL"},
            }
        )
    kwargs: dict[str, object] = {
        "TableName": name,
        "AttributeDefinitions": [
            {"AttributeName": k, "AttributeType": v} for k, v in attrs.items()
        ],
        "KeySchema": key_schema,
        "BillingMode": "PAY_PER_REQUEST",
    }
    if gsis:
        kwargs["GlobalSecondaryIndexes"] = gsis
    try:
        await ddb.create_table(**kwargs)  # type: ignore[arg-type]
    except ddb.exceptions.ResourceInUseException:
        return
    await ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
    if table.ttl_attribute:
        await ddb.update_time_to_live(
            TableName=name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": table.ttl_attribute},
        )
