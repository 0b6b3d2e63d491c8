"""API keys in DynamoDB, keyed by the key's hash, and an in-memory stand-in."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from driftgate.ingest.domain.api_keys import ApiKeyRecord
from driftgate.ingest.errors import StorageUnavailableError
from driftgate.runtime.aws_errors import classify

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb import DynamoDBClient
    from types_aiobotocore_dynamodb.type_defs import AttributeValueTypeDef

BY_SOURCE_INDEX = "by-source"
BY_KEY_ID_INDEX = "by-key-id"


def _record(item: dict[str, AttributeValueTypeDef]) -> ApiKeyRecord:
    return ApiKeyRecord(
        key_id=item["key_id"]["S"],
        key_hash=item["key_hash"]["S"],
        source_id=item["source_id"]["S"],
        created_at=datetime.fromisoformat(item["created_at"]["S"]),
        revoked=item.get("revoked", {}).get("BOOL", False),
    )


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
        return None if item is None else _record(item)

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

    async def list_keys(self, source_id: str | None = None) -> list[ApiKeyRecord]:
        """Every key (of one source when given), oldest first. Hashes only, never secrets."""
        items: list[dict[str, AttributeValueTypeDef]] = []
        try:
            if source_id is None:
                pages = self._ddb.get_paginator("scan").paginate(TableName=self._table)
            else:
                pages = self._ddb.get_paginator("query").paginate(
                    TableName=self._table,
                    IndexName=BY_SOURCE_INDEX,
                    KeyConditionExpression="source_id = :s",
                    ExpressionAttributeValues={":s": {"S": source_id}},
                )
            async for page in pages:
                items.extend(page.get("Items", []))
        except (ClientError, BotoCoreError) as exc:
            raise StorageUnavailableError(str(classify(exc, "list API keys"))) from exc
        return sorted((_record(i) for i in items), key=lambda r: (r.created_at, r.key_id))

    async def revoke(self, key_id: str) -> ApiKeyRecord | None:
        """Mark the key ``key_id`` revoked; None when no such key exists."""
        try:
            resp = await self._ddb.query(
                TableName=self._table,
                IndexName=BY_KEY_ID_INDEX,
                KeyConditionExpression="key_id = :k",
                ExpressionAttributeValues={":k": {"S": key_id}},
            )
            found = resp.get("Items", [])
            if not found:
                return None
            record = _record(found[0])
            await self._ddb.update_item(
                TableName=self._table,
                Key={"key_hash": {"S": record.key_hash}},
                UpdateExpression="SET revoked = :t",
                ExpressionAttributeValues={":t": {"BOOL": True}},
            )
        except (ClientError, BotoCoreError) as exc:
            raise StorageUnavailableError(str(classify(exc, "revoke API key"))) from exc
        return replace(record, revoked=True)


@dataclass
class InMemoryApiKeyStore:
    records: dict[str, ApiKeyRecord] = field(default_factory=dict)

    async def find_by_hash(self, key_hash: str) -> ApiKeyRecord | None:
        return self.records.get(key_hash)

    async def save(self, record: ApiKeyRecord) -> None:
        self.records[record.key_hash] = record

    async def list_keys(self, source_id: str | None = None) -> list[ApiKeyRecord]:
        found = [r for r in self.records.values() if source_id in (None, r.source_id)]
        return sorted(found, key=lambda r: (r.created_at, r.key_id))

    async def revoke(self, key_id: str) -> ApiKeyRecord | None:
        for key_hash, record in self.records.items():
            if record.key_id == key_id:
                self.records[key_hash] = replace(record, revoked=True)
                return self.records[key_hash]
        return None
