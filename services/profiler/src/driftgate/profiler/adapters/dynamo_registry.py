"""The schema registry in DynamoDB (PK ``source_id``, SK ``v#<version>``), and a fake.

Versions are only ever put conditionally (a number is never reused) or updated; never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from driftgate.profiler.adapters.ddb_values import dict_to_item, item_to_dict
from driftgate.profiler.adapters.version_codec import version_from_dict, version_to_dict
from driftgate.profiler.domain.registry import Review, SchemaVersion
from driftgate.profiler.domain.status import VersionStatus
from driftgate.profiler.errors import RegistryConflictError, RegistryUnavailableError
from driftgate.runtime.aws_errors import classify

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb import DynamoDBClient
    from types_aiobotocore_dynamodb.type_defs import TransactWriteItemTypeDef

_CONFLICT_CODES = {"ConditionalCheckFailedException", "TransactionCanceledException"}


def registry_error(exc: Exception, what: str) -> Exception:
    """Map an SDK error: a failed condition is a conflict, anything else is unavailability."""
    if (
        isinstance(exc, ClientError)
        and exc.response.get("Error", {}).get("Code") in _CONFLICT_CODES
    ):
        return RegistryConflictError(f"{what}: the registry changed concurrently")
    return RegistryUnavailableError(str(classify(exc, what)))


class DynamoSchemaRegistry:
    def __init__(self, ddb: DynamoDBClient, table: str) -> None:
        self._ddb = ddb
        self._table = table

    async def history(self, source_id: str) -> list[SchemaVersion]:
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "source_id = :s AND begins_with(version_sk, :v)",
            "ExpressionAttributeValues": {":s": {"S": source_id}, ":v": {"S": "v#"}},
            "ConsistentRead": True,
        }
        try:
            while True:
                resp = await self._ddb.query(**kwargs)
                items += resp.get("Items", [])
                if "LastEvaluatedKey" not in resp:
                    break
                kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
        except (ClientError, BotoCoreError) as exc:
            raise RegistryUnavailableError(str(classify(exc, "query registry"))) from exc
        return [version_from_dict(item_to_dict(i)) for i in items]

    async def create(self, version: SchemaVersion, deprecate: SchemaVersion | None) -> None:
        ops: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": dict_to_item(version_to_dict(version)),
                    "ConditionExpression": "attribute_not_exists(version_sk)",
                }
            }
        ]
        if deprecate is not None:
            ops.append(self._deprecate_op(deprecate))
        await self._transact(ops, f"create {version.source_id} v{version.version}")

    async def review(
        self, version: SchemaVersion, review: Review, deprecate: SchemaVersion | None
    ) -> None:
        stored = replace(version, reviews=(*version.reviews, review))
        ops: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": dict_to_item(version_to_dict(stored)),
                    # Optimistic: the review was decided on what the reviewer saw.
                    "ConditionExpression": "attribute_exists(version_sk) AND size(reviews) = :n",
                    "ExpressionAttributeValues": {":n": {"N": str(len(version.reviews))}},
                }
            }
        ]
        if deprecate is not None:
            ops.append(self._deprecate_op(deprecate))
        await self._transact(ops, f"review {version.source_id} v{version.version}")

    async def sources(self) -> list[str]:
        found: set[str] = set()
        kwargs: dict[str, Any] = {"TableName": self._table, "ProjectionExpression": "source_id"}
        try:
            while True:
                resp = await self._ddb.scan(**kwargs)
                found.update(i["source_id"]["S"] for i in resp.get("Items", []))
                if "LastEvaluatedKey" not in resp:
                    break
                kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
        except (ClientError, BotoCoreError) as exc:
            raise RegistryUnavailableError(str(classify(exc, "scan registry"))) from exc
        return sorted(found)

    def _deprecate_op(self, old: SchemaVersion) -> TransactWriteItemTypeDef:
        return {
            "Update": {
                "TableName": self._table,
                "Key": {"source_id": {"S": old.source_id}, "version_sk": {"S": old.sort_key}},
                "UpdateExpression": "SET #st = :deprecated",
                "ConditionExpression": "#st = :active",
                "ExpressionAttributeNames": {"#st": "status"},
                "ExpressionAttributeValues": {
                    ":deprecated": {"S": VersionStatus.DEPRECATED.value},
                    ":active": {"S": VersionStatus.ACTIVE.value},
                },
            }
        }

    async def _transact(self, ops: list[TransactWriteItemTypeDef], what: str) -> None:
        try:
            await self._ddb.transact_write_items(TransactItems=ops)
        except (ClientError, BotoCoreError) as exc:
            raise registry_error(exc, what) from exc


@dataclass
class InMemorySchemaRegistry:
    """Same contract as the DynamoDB registry, for unit tests."""

    versions: dict[str, list[SchemaVersion]] = field(default_factory=dict)

    async def history(self, source_id: str) -> list[SchemaVersion]:
        return list(self.versions.get(source_id, []))

    async def create(self, version: SchemaVersion, deprecate: SchemaVersion | None) -> None:
        history = self.versions.setdefault(version.source_id, [])
        if any(v.version == version.version for v in history):
            raise RegistryConflictError(f"{version.source_id} v{version.version} already exists")
        self._check_active(deprecate)
        self._deprecate(deprecate)
        history.append(version)

    async def review(
        self, version: SchemaVersion, review: Review, deprecate: SchemaVersion | None
    ) -> None:
        history = self.versions[version.source_id]
        index = next(i for i, v in enumerate(history) if v.version == version.version)
        if len(history[index].reviews) != len(version.reviews):
            raise RegistryConflictError("reviewed concurrently")
        self._check_active(deprecate)
        self._deprecate(deprecate)
        history[index] = replace(version, reviews=(*version.reviews, review))

    async def sources(self) -> list[str]:
        return sorted(self.versions)

    def count_payload(self, source_id: str, number: int) -> None:
        history = self.versions[source_id]
        index = next(i for i, v in enumerate(history) if v.version == number)
        history[index] = replace(history[index], payload_count=history[index].payload_count + 1)

    def _check_active(self, old: SchemaVersion | None) -> None:
        if old is None:
            return
        current = next(v for v in self.versions[old.source_id] if v.version == old.version)
        if current.status is not VersionStatus.ACTIVE:
            raise RegistryConflictError(f"{old.source_id} v{old.version} is no longer ACTIVE")

    def _deprecate(self, old: SchemaVersion | None) -> None:
        if old is None:
            return
        history = self.versions[old.source_id]
        index = next(i for i, v in enumerate(history) if v.version == old.version)
        history[index] = history[index].with_status(VersionStatus.DEPRECATED)
