"""The schema registry in DynamoDB (PK ``source_id``, SK ``v#<version>``), and a fake."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import orjson
from botocore.exceptions import BotoCoreError, ClientError

from driftgate.profiler.domain.registry import SchemaVersion
from driftgate.profiler.domain.schema_diff import SchemaDiff, TypeChange
from driftgate.profiler.errors import RegistryConflictError, RegistryUnavailableError
from driftgate.runtime.aws_errors import classify

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb import DynamoDBClient
    from types_aiobotocore_dynamodb.type_defs import AttributeValueTypeDef


def _diff_to_json(diff: SchemaDiff | None) -> str:
    if diff is None:
        return "null"
    return orjson.dumps(
        {
            "added": diff.added,
            "removed": diff.removed,
            "type_changed": [c.__dict__ for c in diff.type_changes],
        }
    ).decode()


def _diff_from_json(raw: str) -> SchemaDiff | None:
    obj: Any = orjson.loads(raw)
    if obj is None:
        return None
    return SchemaDiff(
        added=tuple(obj["added"]),
        removed=tuple(obj["removed"]),
        type_changes=tuple(TypeChange(**c) for c in obj["type_changed"]),
    )


class DynamoSchemaRegistry:
    def __init__(self, ddb: DynamoDBClient, table: str) -> None:
        self._ddb = ddb
        self._table = table

    async def latest(self, source_id: str) -> SchemaVersion | None:
        try:
            resp = await self._ddb.query(
                TableName=self._table,
                KeyConditionExpression="source_id = :s",
                ExpressionAttributeValues={":s": {"S": source_id}},
                ScanIndexForward=False,
                Limit=1,
                ConsistentRead=True,
            )
        except (ClientError, BotoCoreError) as exc:
            raise RegistryUnavailableError(str(classify(exc, "query registry"))) from exc
        items = resp.get("Items", [])
        return self._from_item(items[0]) if items else None

    async def create(self, version: SchemaVersion) -> None:
        item: dict[str, AttributeValueTypeDef] = {
            "source_id": {"S": version.source_id},
            "version_sk": {"S": version.sort_key},
            "version": {"N": str(version.version)},
            "fields": {"M": {k: {"S": v} for k, v in version.fields.items()}},
            "fingerprint": {"S": version.fingerprint},
            "created_at": {"S": version.created_at.isoformat()},
            "created_by_ingest": {"S": version.created_by_ingest},
            "field_diff": {"S": _diff_to_json(version.diff)},
        }
        try:
            await self._ddb.put_item(
                TableName=self._table,
                Item=item,
                ConditionExpression="attribute_not_exists(version_sk)",
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                raise RegistryConflictError(
                    f"{version.source_id} version {version.version} already exists"
                ) from exc
            raise RegistryUnavailableError(str(classify(exc, "write registry"))) from exc
        except BotoCoreError as exc:
            raise RegistryUnavailableError(str(classify(exc, "write registry"))) from exc

    @staticmethod
    def _from_item(item: dict[str, Any]) -> SchemaVersion:
        return SchemaVersion(
            source_id=item["source_id"]["S"],
            version=int(item["version"]["N"]),
            fields={k: v["S"] for k, v in item["fields"]["M"].items()},
            fingerprint=item["fingerprint"]["S"],
            created_at=datetime.fromisoformat(item["created_at"]["S"]),
            created_by_ingest=item["created_by_ingest"]["S"],
            diff=_diff_from_json(item["field_diff"]["S"]),
        )


@dataclass
class InMemorySchemaRegistry:
    versions: dict[str, list[SchemaVersion]] = field(default_factory=dict)

    async def latest(self, source_id: str) -> SchemaVersion | None:
        history = self.versions.get(source_id)
        return history[-1] if history else None

    async def create(self, version: SchemaVersion) -> None:
        history = self.versions.setdefault(version.source_id, [])
        if any(v.version == version.version for v in history):
            raise RegistryConflictError(f"{version.source_id} v{version.version} already exists")
        history.append(version)
