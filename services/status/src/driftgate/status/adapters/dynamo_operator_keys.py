"""Operator keys in DynamoDB, keyed by the key's hash, and an in-memory stand-in."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from driftgate.runtime.dynamo_key_table import DynamoKeyTable, InMemoryKeyTable
from driftgate.status.domain.operator_keys import OperatorKeyRecord
from driftgate.status.errors import StoreUnavailableError

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb import DynamoDBClient
    from types_aiobotocore_dynamodb.type_defs import AttributeValueTypeDef


def _item(record: OperatorKeyRecord) -> dict[str, AttributeValueTypeDef]:
    return {
        "key_hash": {"S": record.key_hash},
        "key_id": {"S": record.key_id},
        "name": {"S": record.name},
        "created_at": {"S": record.created_at.isoformat()},
        "scope": {"S": record.scope},
        "revoked": {"BOOL": record.revoked},
    }


def _record(item: dict[str, AttributeValueTypeDef]) -> OperatorKeyRecord:
    return OperatorKeyRecord(
        key_id=item["key_id"]["S"],
        key_hash=item["key_hash"]["S"],
        name=item["name"]["S"],
        created_at=datetime.fromisoformat(item["created_at"]["S"]),
        scope=item["scope"]["S"],
        revoked=item.get("revoked", {}).get("BOOL", False),
    )


class DynamoOperatorKeyStore(DynamoKeyTable[OperatorKeyRecord]):
    def __init__(self, ddb: DynamoDBClient, table: str) -> None:
        super().__init__(
            ddb,
            table,
            noun="operator key",
            to_item=_item,
            from_item=_record,
            unavailable=StoreUnavailableError,
        )


class InMemoryOperatorKeyStore(InMemoryKeyTable[OperatorKeyRecord]):
    """Operator keys by hash, in memory (unit tests)."""
