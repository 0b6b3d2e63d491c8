"""The payload index in DynamoDB (PK ``ingest_id``; GSI ``by-source`` on received time), and a fake.

Counting a payload on its schema version happens in the same transaction as recording it, so
redeliveries never count twice and a crash never loses a count.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from driftgate.profiler.adapters.ddb_values import dict_to_item, item_to_dict
from driftgate.profiler.adapters.dynamo_registry import InMemorySchemaRegistry
from driftgate.profiler.domain.payload_record import PayloadRecord, PayloadStatus
from driftgate.profiler.domain.registry import version_sort_key
from driftgate.profiler.errors import RegistryUnavailableError
from driftgate.runtime.aws_errors import classify

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb import DynamoDBClient


def record_to_dict(r: PayloadRecord) -> dict[str, Any]:
    return {
        "ingest_id": r.ingest_id,
        "source_id": r.source_id,
        "status": r.status.value,
        "bucket": r.bucket,
        "key": r.key,
        "size_bytes": r.size_bytes,
        "sha256": r.sha256,
        "received_at": r.received_at.isoformat(),
        "received_sk": f"{r.received_at.isoformat()}#{r.ingest_id}",
        "processed_at": r.processed_at.isoformat(),
        "content_type": r.content_type,
        "schema_version": r.schema_version,
        "record_count": r.record_count,
        "reason": r.reason,
        "error_kind": r.error_kind,
        "line": r.line,
        "row": r.row,
        "dead_letter_prefix": r.dead_letter_prefix,
        "attempt": r.attempt,
        "events_published": r.events_published,
    }


def record_from_dict(o: dict[str, Any]) -> PayloadRecord:
    return PayloadRecord(
        ingest_id=o["ingest_id"],
        source_id=o["source_id"],
        status=PayloadStatus(o["status"]),
        bucket=o["bucket"],
        key=o["key"],
        size_bytes=int(o["size_bytes"]),
        sha256=o["sha256"],
        received_at=datetime.fromisoformat(o["received_at"]),
        processed_at=datetime.fromisoformat(o["processed_at"]),
        content_type=o.get("content_type", ""),
        schema_version=o.get("schema_version"),
        record_count=int(o.get("record_count", 0)),
        reason=o.get("reason"),
        error_kind=o.get("error_kind"),
        line=o.get("line"),
        row=o.get("row"),
        dead_letter_prefix=o.get("dead_letter_prefix"),
        attempt=int(o.get("attempt", 1)),
        events_published=bool(o.get("events_published", False)),
    )


class DynamoPayloadIndex:
    def __init__(self, ddb: DynamoDBClient, table: str, registry_table: str) -> None:
        self._ddb = ddb
        self._table = table
        self._registry = registry_table

    async def get(self, ingest_id: str) -> PayloadRecord | None:
        try:
            resp = await self._ddb.get_item(
                TableName=self._table, Key={"ingest_id": {"S": ingest_id}}, ConsistentRead=True
            )
        except (ClientError, BotoCoreError) as exc:
            raise RegistryUnavailableError(str(classify(exc, "read payload index"))) from exc
        item = resp.get("Item")
        return record_from_dict(item_to_dict(item)) if item else None

    async def record_profiled(self, record: PayloadRecord) -> bool:
        assert record.schema_version is not None, "a PROFILED record names its version"
        item = dict_to_item(record_to_dict(record))
        try:
            await self._ddb.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": item,
                            "ConditionExpression": "attribute_not_exists(ingest_id) OR #st <> :p",
                            "ExpressionAttributeNames": {"#st": "status"},
                            "ExpressionAttributeValues": {":p": {"S": PayloadStatus.PROFILED}},
                        }
                    },
                    {
                        "Update": {
                            "TableName": self._registry,
                            "Key": {
                                "source_id": {"S": record.source_id},
                                "version_sk": {"S": version_sort_key(record.schema_version)},
                            },
                            "UpdateExpression": "ADD payload_count :one",
                            "ConditionExpression": "attribute_exists(version_sk)",
                            "ExpressionAttributeValues": {":one": {"N": "1"}},
                        }
                    },
                ]
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise RegistryUnavailableError(str(classify(exc, "record payload"))) from exc
        except BotoCoreError as exc:
            raise RegistryUnavailableError(str(classify(exc, "record payload"))) from exc
        else:
            return True
        # Already PROFILED (a redelivery or a reprofile): refresh the record, count nothing.
        await self._put(item, "record payload")
        return False

    async def record_rejected(self, record: PayloadRecord) -> None:
        await self._put(dict_to_item(record_to_dict(record)), "record rejected payload")

    async def mark_published(self, ingest_id: str, attempt: int) -> None:
        try:
            await self._ddb.update_item(
                TableName=self._table,
                Key={"ingest_id": {"S": ingest_id}},
                UpdateExpression="SET events_published = :t",
                ConditionExpression="attempt = :a",
                ExpressionAttributeValues={":t": {"BOOL": True}, ":a": {"N": str(attempt)}},
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return  # a later reprofile owns the record now
            raise RegistryUnavailableError(str(classify(exc, "mark published"))) from exc
        except BotoCoreError as exc:
            raise RegistryUnavailableError(str(classify(exc, "mark published"))) from exc

    async def rejected(self, source_id: str | None = None) -> list[PayloadRecord]:
        values: dict[str, Any] = {":r": {"S": PayloadStatus.REJECTED}}
        condition = "#st = :r"
        if source_id is not None:
            condition += " AND source_id = :s"
            values[":s"] = {"S": source_id}
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "FilterExpression": condition,
            "ExpressionAttributeNames": {"#st": "status"},
            "ExpressionAttributeValues": values,
        }
        out: list[PayloadRecord] = []
        try:
            while True:
                resp = await self._ddb.scan(**kwargs)
                out += [record_from_dict(item_to_dict(i)) for i in resp.get("Items", [])]
                if "LastEvaluatedKey" not in resp:
                    break
                kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
        except (ClientError, BotoCoreError) as exc:
            raise RegistryUnavailableError(str(classify(exc, "scan payload index"))) from exc
        return sorted(out, key=lambda r: r.received_at)

    async def _put(self, item: Any, what: str) -> None:
        try:
            await self._ddb.put_item(TableName=self._table, Item=item)
        except (ClientError, BotoCoreError) as exc:
            raise RegistryUnavailableError(str(classify(exc, what))) from exc


@dataclass
class InMemoryPayloadIndex:
    registry: InMemorySchemaRegistry
    records: dict[str, PayloadRecord] = field(default_factory=dict)

    async def get(self, ingest_id: str) -> PayloadRecord | None:
        return self.records.get(ingest_id)

    async def record_profiled(self, record: PayloadRecord) -> bool:
        assert record.schema_version is not None
        before = self.records.get(record.ingest_id)
        self.records[record.ingest_id] = record
        if before is not None and before.status is PayloadStatus.PROFILED:
            return False
        self.registry.count_payload(record.source_id, record.schema_version)
        return True

    async def record_rejected(self, record: PayloadRecord) -> None:
        self.records[record.ingest_id] = record

    async def mark_published(self, ingest_id: str, attempt: int) -> None:
        record = self.records[ingest_id]
        if record.attempt == attempt:
            self.records[ingest_id] = replace(record, events_published=True)

    async def rejected(self, source_id: str | None = None) -> list[PayloadRecord]:
        return [
            r
            for r in self.records.values()
            if r.status is PayloadStatus.REJECTED and source_id in (None, r.source_id)
        ]
