"""Local provisioning steps shared by `driftgate up` and the in-process platform."""

from __future__ import annotations

from datetime import UTC, datetime

from driftgate.ingest.adapters.dynamo_api_keys import DynamoApiKeyStore
from driftgate.ingest.domain.api_keys import generate_key
from driftgate.ingest.domain.source_id import validate_source_id
from driftgate.runtime.aws import AwsClientFactory, resolve_account_id
from driftgate.runtime.local.provision import apply_topology
from driftgate.runtime.naming import Naming
from driftgate.runtime.settings import AwsSettings, RuntimeSettings
from driftgate.runtime.topology import API_KEYS_TABLE, TOPOLOGY


async def provision(aws: AwsSettings, runtime: RuntimeSettings) -> Naming:
    """Apply the topology for ``runtime.env`` and return its naming."""
    factory = AwsClientFactory(aws)
    naming = Naming(
        env=runtime.env, region=aws.region, account_id=await resolve_account_id(factory)
    )
    await apply_topology(factory, TOPOLOGY, naming)
    return naming


async def create_api_key(aws: AwsSettings, naming: Naming, source_id: str) -> str:
    """Create a key for ``source_id`` and return its secret (shown once, stored as a hash)."""
    issued = generate_key(validate_source_id(source_id), datetime.now(UTC))
    async with AwsClientFactory(aws).client("dynamodb") as ddb:
        await DynamoApiKeyStore(ddb, naming.table(API_KEYS_TABLE)).save(issued.record)
    return issued.secret
