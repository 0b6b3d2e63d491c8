"""Per-source compatibility policies in DynamoDB (default BACKWARD), and a fake."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from driftgate.profiler.domain.compatibility import DEFAULT_POLICY, CompatibilityPolicy
from driftgate.profiler.errors import RegistryUnavailableError
from driftgate.runtime.aws_errors import classify

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb import DynamoDBClient


class DynamoPolicyStore:
    def __init__(self, ddb: DynamoDBClient, table: str) -> None:
        self._ddb = ddb
        self._table = table

    async def policy(self, source_id: str) -> CompatibilityPolicy:
        try:
            resp = await self._ddb.get_item(
                TableName=self._table, Key={"source_id": {"S": source_id}}, ConsistentRead=True
            )
        except (ClientError, BotoCoreError) as exc:
            raise RegistryUnavailableError(str(classify(exc, "read policy"))) from exc
        item = resp.get("Item")
        return CompatibilityPolicy(item["compatibility"]["S"]) if item else DEFAULT_POLICY

    async def set_policy(self, source_id: str, policy: CompatibilityPolicy) -> None:
        try:
            await self._ddb.put_item(
                TableName=self._table,
                Item={"source_id": {"S": source_id}, "compatibility": {"S": policy.value}},
            )
        except (ClientError, BotoCoreError) as exc:
            raise RegistryUnavailableError(str(classify(exc, "write policy"))) from exc


@dataclass
class InMemoryPolicyStore:
    policies: dict[str, CompatibilityPolicy] = field(default_factory=dict)

    async def policy(self, source_id: str) -> CompatibilityPolicy:
        return self.policies.get(source_id, DEFAULT_POLICY)

    async def set_policy(self, source_id: str, policy: CompatibilityPolicy) -> None:
        self.policies[source_id] = policy
