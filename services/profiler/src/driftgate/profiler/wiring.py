"""Real adapters for the profiler, from one set of AWS clients (used by the worker and the CLI)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from driftgate.profiler.adapters.dynamo_registry import DynamoSchemaRegistry
from driftgate.profiler.adapters.emf_metrics import EmfMetrics
from driftgate.profiler.adapters.payload_index import DynamoPayloadIndex
from driftgate.profiler.adapters.policy_store import DynamoPolicyStore
from driftgate.profiler.adapters.s3_dead_letters import S3DeadLetters
from driftgate.profiler.adapters.s3_payload_reader import S3PayloadReader
from driftgate.profiler.handlers import ProfilerDeps
from driftgate.profiler.profiling import profile_landed
from driftgate.runtime.naming import Naming
from driftgate.runtime.publisher import SnsEventPublisher
from driftgate.runtime.topology import (
    PAYLOAD_INDEX_TABLE,
    SCHEMA_REGISTRY_TABLE,
    SOURCE_POLICIES_TABLE,
)

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb import DynamoDBClient
    from types_aiobotocore_s3 import S3Client
    from types_aiobotocore_sns import SNSClient


def aws_deps(
    *,
    s3: S3Client,
    ddb: DynamoDBClient,
    sns: SNSClient,
    naming: Naming,
    max_record_bytes: int,
) -> ProfilerDeps:
    registry_table = naming.table(SCHEMA_REGISTRY_TABLE)
    return ProfilerDeps(
        reader=S3PayloadReader(s3),
        registry=DynamoSchemaRegistry(ddb, registry_table),
        index=DynamoPayloadIndex(ddb, naming.table(PAYLOAD_INDEX_TABLE), registry_table),
        dead_letters=S3DeadLetters(s3),
        policies=DynamoPolicyStore(ddb, naming.table(SOURCE_POLICIES_TABLE)),
        metrics=EmfMetrics(),
        publisher=SnsEventPublisher(sns, naming),
        profile=partial(profile_landed, max_record_bytes=max_record_bytes),
    )
