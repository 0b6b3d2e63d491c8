"""API keys in DynamoDB, keyed by the key's hash, and an in-memory stand-in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from driftgate.ingest.domain.api_keys import ApiKeyRecord
from driftgate.ingest.errors import StorageUnavailableError
from driftgate.runtime.aws_errors import classify

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb import DynamoDBClient


class DynamoApiKeyStore:
    def __init__(self, ddb: DynamoDBClient, table: str) -> None:
        self._ddb = ddb
        self._table = table

    async def find_by_hash(self, key_hash: str) -> ApiKeyRecord | None:
        try:
            resp = await self._ddb.get_item(
                TableName=self._table, Key={"key_hash": {"S": key_hash}}, ConsistentRead=True
            )
        except (ClientError, BotoCoreError) as exc:
            raise StorageUnavailableError(str(classify(exc, "read API key"))) from exc
        item = resp.get("Item")
        if item is None:
            return None
        return ApiKeyRecord(
            key_id=item["key_id"]["S"],
            key_hash=item["key_hash"]["S"],
            source_id=item["source_id"]["S"],
            created_at=datetime.fromisoformat(item["created_at"]["S"]),
            revoked=item.get("revoked", {}).get("BOOL", False),
        )

    async def save(self, record: ApiKeyRecord) -> None:
        try:
            await self._ddb.put_item(
                TableName=self._table,
                Item={
                    "key_hash": {"S": record.key_hash},
                    "key_id": {"S": record.key_id},
                    "source_id": {"S": record.source_id},
                    "created_at": {"S": record.created_at.isoformat()},
                    "revoked": {"BOOL": record.revoked},
                },
                ConditionExpression="attribute_not_exists(key_hash)",
            )
        except (ClientError, BotoCoreError) as exc:
            raise StorageUnavailableError(str(classify(exc, "save API key"))) from exc


@dataclass
class InMemoryApiKeyStore:
    records: dict[str, ApiKeyRecord] = field(default_factory=dict)

    async def find_by_hash(self, key_hash: str) -> ApiKeyRecord | None:
        return self.records.get(key_hash)

    async def save(self, record: ApiKeyRecord) -> None:
        self.records[record.key_hash] = record
