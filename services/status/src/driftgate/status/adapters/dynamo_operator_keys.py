"""Operator keys in DynamoDB, keyed by the key's hash, and an in-memory stand-in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from driftgate.runtime.aws_errors import classify
from driftgate.status.domain.operator_keys import OperatorKeyRecord
from driftgate.status.errors import StoreUnavailableError

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb import DynamoDBClient


class DynamoOperatorKeyStore:
    def __init__(self, ddb: DynamoDBClient, table: str) -> None:
        self._ddb = ddb
        self._table = table

    async def find_by_hash(self, key_hash: str) -> OperatorKeyRecord | None:
        try:
            resp = await self._ddb.get_item(
                TableName=self._table, Key={"key_hash": {"S": key_hash}}, ConsistentRead=True
            )
        except (ClientError, BotoCoreError) as exc:
            raise StoreUnavailableError(str(classify(exc, "read operator key"))) from exc
        item = resp.get("Item")
        if item is None:
            return None
        return OperatorKeyRecord(
            key_id=item["key_id"]["S"],
            key_hash=item["key_hash"]["S"],
            name=item["name"]["S"],
            created_at=datetime.fromisoformat(item["created_at"]["S"]),
            scope=item["scope"]["S"],
            revoked=item.get("revoked", {}).get("BOOL", False),
        )

    async def save(self, record: OperatorKeyRecord) -> None:
        try:
            await self._ddb.put_item(
                TableName=self._table,
                Item={
                    "key_hash": {"S": record.key_hash},
                    "key_id": {"S": record.key_id},
                    "name": {"S": record.name},
                    "created_at": {"S": record.created_at.isoformat()},
                    "scope": {"S": record.scope},
                    "revoked": {"BOOL": record.revoked},
                },
                ConditionExpression="attribute_not_exists(key_hash)",
            )
        except (ClientError, BotoCoreError) as exc:
            raise StoreUnavailableError(str(classify(exc, "save operator key"))) from exc


@dataclass
class InMemoryOperatorKeyStore:
    records: dict[str, OperatorKeyRecord] = field(default_factory=dict)

    async def find_by_hash(self, key_hash: str) -> OperatorKeyRecord | None:
        return self.records.get(key_hash)

    async def save(self, record: OperatorKeyRecord) -> None:
        self.records[record.key_hash] = record
