"""API keys in DynamoDB, keyed by the key's hash, and an in-memory stand-in."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from driftgate.ingest.domain.api_keys import ApiKeyRecord
from driftgate.ingest.errors import StorageUnavailableError
from driftgate.runtime.dynamo_key_table import DynamoKeyTable, InMemoryKeyTable

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb import DynamoDBClient
    from types_aiobotocore_dynamodb.type_defs import AttributeValueTypeDef

BY_SOURCE_INDEX = "by-source"
BY_KEY_ID_INDEX = "by-key-id"


def _item(record: ApiKeyRecord) -> dict[str, AttributeValueTypeDef]:
    return {
        "key_hash": {"S": record.key_hash},
        "key_id": {"S": record.key_id},
        "source_id": {"S": record.source_id},
        "created_at": {"S": record.created_at.isoformat()},
        "revoked": {"BOOL": record.revoked},
    }


def _record(item: dict[str, AttributeValueTypeDef]) -> ApiKeyRecord:
    return ApiKeyRecord(
        key_id=item["key_id"]["S"],
        key_hash=item["key_hash"]["S"],
        source_id=item["source_id"]["S"],
        created_at=datetime.fromisoformat(item["created_at"]["S"]),
        revoked=item.get("revoked", {}).get("BOOL", False),
    )


class DynamoApiKeyStore(DynamoKeyTable[ApiKeyRecord]):
    def __init__(self, ddb: DynamoDBClient, table: str) -> None:
        super().__init__(
            ddb,
            table,
            noun="API key",
            to_item=_item,
            from_item=_record,
            unavailable=StorageUnavailableError,
        )

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
            raise self._failed(exc, "list API keys") from exc
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
            raise self._failed(exc, "revoke API key") from exc
        return replace(record, revoked=True)


class InMemoryApiKeyStore(InMemoryKeyTable[ApiKeyRecord]):
    """API keys by hash, in memory (unit tests and benchmarks)."""

    async def list_keys(self, source_id: str | None = None) -> list[ApiKeyRecord]:
        found = [r for r in self.records.values() if source_id in (None, r.source_id)]
        return sorted(found, key=lambda r: (r.created_at, r.key_id))

    async def revoke(self, key_id: str) -> ApiKeyRecord | None:
        for key_hash, record in self.records.items():
            if record.key_id == key_id:
                self.records[key_hash] = replace(record, revoked=True)
                return self.records[key_hash]
        return None
