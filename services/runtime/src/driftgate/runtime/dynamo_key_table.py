"""Hashed API key records in a DynamoDB table keyed by ``key_hash``, and an in-memory stand-in.

Each service keeps its own record type and item layout; this owns the reads, the insert-only
writes and the mapping of SDK failures to the service's own "store unavailable" error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from driftgate.runtime.aws_errors import classify

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb import DynamoDBClient
    from types_aiobotocore_dynamodb.type_defs import AttributeValueTypeDef

    Item = dict[str, AttributeValueTypeDef]


class KeyRecord(Protocol):
    @property
    def key_hash(self) -> str: ...


R = TypeVar("R", bound=KeyRecord)


class DynamoKeyTable(Generic[R]):
    """Key records of one kind (``noun``, e.g. "API key") read and written in ``table``."""

    def __init__(
        self,
        ddb: DynamoDBClient,
        table: str,
        *,
        noun: str,
        to_item: Callable[[R], Item],
        from_item: Callable[[Item], R],
        unavailable: Callable[[str], Exception],
    ) -> None:
        self._ddb = ddb
        self._table = table
        self._noun = noun
        self._to_item = to_item
        self._from_item = from_item
        self._unavailable = unavailable

    def _failed(self, exc: ClientError | BotoCoreError, doing: str) -> Exception:
        """The service's error for an SDK failure while ``doing`` (e.g. "list API keys")."""
        return self._unavailable(str(classify(exc, doing)))

    async def find_by_hash(self, key_hash: str) -> R | None:
        try:
            resp = await self._ddb.get_item(
                TableName=self._table, Key={"key_hash": {"S": key_hash}}, ConsistentRead=True
            )
        except (ClientError, BotoCoreError) as exc:
            raise self._failed(exc, f"read {self._noun}") from exc
        item = resp.get("Item")
        return None if item is None else self._from_item(item)

    async def save(self, record: R) -> None:
        """Insert ``record``; a key hash is never overwritten."""
        try:
            await self._ddb.put_item(
                TableName=self._table,
                Item=self._to_item(record),
                ConditionExpression="attribute_not_exists(key_hash)",
            )
        except (ClientError, BotoCoreError) as exc:
            raise self._failed(exc, f"save {self._noun}") from exc


@dataclass
class InMemoryKeyTable(Generic[R]):
    """Stand-in for ``DynamoKeyTable`` in unit tests: records by key hash."""

    records: dict[str, R] = field(default_factory=dict)

    async def find_by_hash(self, key_hash: str) -> R | None:
        return self.records.get(key_hash)

    async def save(self, record: R) -> None:
        self.records[record.key_hash] = record
