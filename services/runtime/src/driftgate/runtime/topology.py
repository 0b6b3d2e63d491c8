"""The one declaration of driftgate's AWS resources.

The local bootstrap applies it to the emulator and infra/cdk synthesises it, so local and cloud
cannot drift apart. Pure data: importing this module touches no AWS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Bucket:
    logical: str
    versioned: bool = True


@dataclass(frozen=True)
class Topic:
    logical: str
    fifo: bool = False


@dataclass(frozen=True)
class Queue:
    """A work queue and its DLQ; poison messages move there after ``max_receive_count``."""

    logical: str
    visibility_timeout_seconds: int = 60
    max_receive_count: int = 5
    retention_seconds: int = 4 * 24 * 3600
    dlq_retention_seconds: int = 14 * 24 * 3600
    fifo: bool = False

    @property
    def dlq_logical(self) -> str:
        return f"{self.logical}-dlq"


@dataclass(frozen=True)
class Subscription:
    topic: str
    queue: str
    event_types: tuple[str, ...]
    extra_filter: dict[str, list[Any]] = field(default_factory=dict)
    raw_delivery: bool = True

    def filter_policy(self) -> dict[str, list[Any]]:
        """SNS filter policy on message attributes set by the publisher."""
        return {"event_type": list(self.event_types), **self.extra_filter}


@dataclass(frozen=True)
class Attribute:
    name: str
    type: str = "S"  # DynamoDB scalar type: S | N | B


@dataclass(frozen=True)
class Index:
    name: str
    partition_key: Attribute
    sort_key: Attribute | None = None


@dataclass(frozen=True)
class Table:
    logical: str
    partition_key: Attribute
    sort_key: Attribute | None = None
    ttl_attribute: str | None = None
    indexes: tuple[Index, ...] = ()


@dataclass(frozen=True)
class Secret:
    """A Secrets Manager secret; locally it is created with a generated webhook signing key."""

    logical: str


@dataclass(frozen=True)
class Topology:
    buckets: tuple[Bucket, ...]
    topics: tuple[Topic, ...]
    queues: tuple[Queue, ...]
    subscriptions: tuple[Subscription, ...]
    tables: tuple[Table, ...]
    secrets: tuple[Secret, ...] = ()

    def queue(self, logical: str) -> Queue:
        return next(q for q in self.queues if q.logical == logical)

    def validate(self) -> None:
        """Fail fast on dangling references; a typo here would otherwise surface only in AWS."""
        topics = {t.logical for t in self.topics}
        queues = {q.logical for q in self.queues}
        for sub in self.subscriptions:
            if sub.topic not in topics:
                raise ValueError(f"subscription references unknown topic {sub.topic!r}")
            if sub.queue not in queues:
                raise ValueError(f"subscription references unknown queue {sub.queue!r}")
            if not sub.event_types:
                raise ValueError(f"subscription {sub.topic}->{sub.queue} filters no event types")
        names = [b.logical for b in self.buckets] + [t.logical for t in self.topics]
        names += [q.logical for q in self.queues] + [t.logical for t in self.tables]
        names += [s.logical for s in self.secrets]
        if len(names) != len(set(names)):
            raise ValueError("logical names must be unique across the topology")


# Logical names used by code. Physical names are "driftgate-<env>-<logical>".
RAW_BUCKET = "raw"
PAYLOAD_EVENTS_TOPIC = "payload-events"
SCHEMA_EVENTS_TOPIC = "schema-events"
ALERTS_TOPIC = "alerts"
PROFILER_QUEUE = "profiler-payloads"
NOTIFIER_QUEUE = "notifier-events"
API_KEYS_TABLE = "api-keys"
SCHEMA_REGISTRY_TABLE = "schema-registry"
PROCESSED_EVENTS_TABLE = "processed-events"
IDEMPOTENCY_TABLE = "ingest-idempotency"
# Profiler: one record per ingest_id (what promotion reads), and per-source policies.
PAYLOAD_INDEX_TABLE = "payload-index"
PAYLOAD_INDEX_BY_SOURCE = "by-source"
SOURCE_POLICIES_TABLE = "source-policies"
# Job control (status service).
JOB_EVENTS_TOPIC = "job-events"
JOBS_TABLE = "jobs"
JOB_AUDIT_TABLE = "job-audit"
JOB_OUTBOX_TABLE = "job-outbox"
WEBHOOK_IDS_TABLE = "webhook-ids"
OPERATOR_KEYS_TABLE = "operator-keys"
JOB_CALLBACKS_QUEUE = "job-callbacks"  # FIFO: MessageGroupId = job id keeps callbacks in order
JOB_LAUNCHER_QUEUE = "status-launcher"
JOB_CALLBACK_SECRET = "job-callback-signing"  # noqa: S105  (a logical name, not a secret)
# Jobs GSIs: newest first by status, by type, or all (partition "job"); sort key created_sk.
JOBS_BY_STATUS = "by-status"
JOBS_BY_TYPE = "by-type"
JOBS_BY_CREATED = "by-created"

TOPOLOGY = Topology(
    buckets=(Bucket(RAW_BUCKET),),
    topics=(
        Topic(PAYLOAD_EVENTS_TOPIC),
        Topic(SCHEMA_EVENTS_TOPIC),
        Topic(ALERTS_TOPIC),
        Topic(JOB_EVENTS_TOPIC),
    ),
    queues=(
        Queue(PROFILER_QUEUE, visibility_timeout_seconds=120, max_receive_count=5),
        Queue(NOTIFIER_QUEUE, visibility_timeout_seconds=30, max_receive_count=5),
        Queue(JOB_CALLBACKS_QUEUE, visibility_timeout_seconds=30, max_receive_count=5, fifo=True),
        Queue(JOB_LAUNCHER_QUEUE, visibility_timeout_seconds=60, max_receive_count=5),
    ),
    subscriptions=(
        Subscription(PAYLOAD_EVENTS_TOPIC, PROFILER_QUEUE, ("driftgate.payload.landed.v1",)),
        Subscription(SCHEMA_EVENTS_TOPIC, NOTIFIER_QUEUE, ("driftgate.schema.drift.detected.v1",)),
        Subscription(PAYLOAD_EVENTS_TOPIC, NOTIFIER_QUEUE, ("driftgate.payload.rejected.v1",)),
        Subscription(JOB_EVENTS_TOPIC, JOB_LAUNCHER_QUEUE, ("driftgate.job.submitted.v1",)),
    ),
    tables=(
        Table(
            API_KEYS_TABLE,
            Attribute("key_hash"),
            indexes=(
                Index("by-source", Attribute("source_id")),
                Index("by-key-id", Attribute("key_id")),
            ),
        ),
        Table(IDEMPOTENCY_TABLE, Attribute("scope"), ttl_attribute="expires_at"),
        Table(SCHEMA_REGISTRY_TABLE, Attribute("source_id"), Attribute("version_sk")),
        Table(
            PROCESSED_EVENTS_TABLE,
            Attribute("consumer"),
            Attribute("event_id"),
            ttl_attribute="expires_at",
        ),
        Table(
            PAYLOAD_INDEX_TABLE,
            Attribute("ingest_id"),
            indexes=(
                Index(PAYLOAD_INDEX_BY_SOURCE, Attribute("source_id"), Attribute("received_sk")),
            ),
        ),
        Table(SOURCE_POLICIES_TABLE, Attribute("source_id")),
        Table(
            JOBS_TABLE,
            Attribute("job_id"),
            indexes=(
                Index(JOBS_BY_STATUS, Attribute("status"), Attribute("created_sk")),
                Index(JOBS_BY_TYPE, Attribute("job_type"), Attribute("created_sk")),
                Index(JOBS_BY_CREATED, Attribute("list_pk"), Attribute("created_sk")),
            ),
        ),
        Table(JOB_AUDIT_TABLE, Attribute("job_id"), Attribute("version", "N")),
        Table(JOB_OUTBOX_TABLE, Attribute("event_id")),
        Table(WEBHOOK_IDS_TABLE, Attribute("webhook_id"), ttl_attribute="expires_at"),
        Table(OPERATOR_KEYS_TABLE, Attribute("key_hash")),
    ),
    secrets=(Secret(JOB_CALLBACK_SECRET),),
)
