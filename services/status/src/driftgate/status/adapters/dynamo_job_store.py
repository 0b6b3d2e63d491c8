"""Jobs in DynamoDB: every change is one TransactWriteItems with its audit entry and outbox event.

A transition's job update is conditional on the expected status *and* version, so of any
number of concurrent writers that read the same job exactly one commits; the audit entry and
the outbox event ride in the same transaction and so exist exactly when the change does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import orjson
from botocore.exceptions import BotoCoreError, ClientError

from driftgate.contracts.events import JobStatus
from driftgate.runtime.aws_errors import classify
from driftgate.runtime.topology import JOBS_BY_CREATED, JOBS_BY_STATUS, JOBS_BY_TYPE
from driftgate.status.adapters.dynamo_items import (
    LIST_PK,
    audit_to_item,
    item_to_audit,
    item_to_job,
    item_to_outbox,
    job_to_item,
    outbox_to_item,
)
from driftgate.status.domain.job import AuditEntry, Job, TransitionRequest
from driftgate.status.domain.state_machine import TERMINAL
from driftgate.status.errors import StoreUnavailableError, TransitionConflictError
from driftgate.status.ports import JobQuery, OutboxItem, ReplayedWebhookError, WebhookMark

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb import DynamoDBClient
    from types_aiobotocore_dynamodb.type_defs import TransactWriteItemTypeDef


@dataclass(frozen=True)
class JobTables:
    jobs: str
    audit: str
    outbox: str
    webhooks: str


def _cancellation_codes(exc: ClientError) -> list[str]:
    reasons: Any = exc.response.get("CancellationReasons", [])
    return [str(r.get("Code", "None")) for r in reasons]


def _unavailable(exc: Exception, what: str) -> StoreUnavailableError:
    return StoreUnavailableError(str(classify(exc, what)))


class DynamoJobStore:
    def __init__(self, ddb: DynamoDBClient, tables: JobTables) -> None:
        self._ddb = ddb
        self._t = tables

    def _webhook_put(self, webhook: WebhookMark, now: datetime) -> TransactWriteItemTypeDef:
        # An expired id may be reused: TTL deletion in DynamoDB lags by up to days.
        return {
            "Put": {
                "TableName": self._t.webhooks,
                "Item": {
                    "webhook_id": {"S": webhook.webhook_id},
                    "job_id": {"S": webhook.job_id},
                    "expires_at": {"N": str(webhook.expires_at)},
                },
                "ConditionExpression": "attribute_not_exists(webhook_id) OR expires_at < :now",
                "ExpressionAttributeValues": {":now": {"N": str(int(now.timestamp()))}},
            }
        }

    async def _transact(
        self, items: list[TransactWriteItemTypeDef], what: str, webhook_index: int | None
    ) -> None:
        try:
            await self._ddb.transact_write_items(TransactItems=items)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise _unavailable(exc, what) from exc
            codes = _cancellation_codes(exc)
            replayed = webhook_index is not None and len(codes) > webhook_index
            if replayed and codes[webhook_index or 0] == "ConditionalCheckFailed":
                raise ReplayedWebhookError(what) from exc
            if "ConditionalCheckFailed" in codes:
                raise TransitionConflictError(f"{what}: the job changed concurrently") from exc
            raise _unavailable(exc, what) from exc
        except BotoCoreError as exc:
            raise _unavailable(exc, what) from exc

    async def create(self, job: Job, audit: AuditEntry, outbox: OutboxItem) -> Job | None:
        items: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self._t.jobs,
                    "Item": job_to_item(job),
                    "ConditionExpression": "attribute_not_exists(job_id)",
                }
            },
            {"Put": {"TableName": self._t.audit, "Item": audit_to_item(audit)}},
            {"Put": {"TableName": self._t.outbox, "Item": outbox_to_item(outbox)}},
        ]
        try:
            await self._transact(items, f"create job {job.job_id}", None)
        except TransitionConflictError:
            existing = await self.get(job.job_id)
            if existing is None:
                raise
            return existing
        return None

    async def get(self, job_id: str) -> Job | None:
        try:
            resp = await self._ddb.get_item(
                TableName=self._t.jobs, Key={"job_id": {"S": job_id}}, ConsistentRead=True
            )
        except (ClientError, BotoCoreError) as exc:
            raise _unavailable(exc, "read job") from exc
        item = resp.get("Item")
        return item_to_job(item) if item else None

    async def transition(
        self,
        request: TransitionRequest,
        audit: AuditEntry,
        outbox: OutboxItem,
        webhook: WebhookMark | None = None,
    ) -> None:
        at = request.at.isoformat()
        sets = [
            "#status = :to",
            "status_message = :msg",
            "updated_at = :at",
            "version = :next",
            "last_heartbeat_at = :at",
        ]
        values: dict[str, Any] = {
            ":to": {"S": request.target.value},
            ":expected": {"S": request.expected.value},
            ":msg": {"S": request.message},
            ":at": {"S": at},
            ":version": {"N": str(request.expected_version)},
            ":next": {"N": str(request.expected_version + 1)},
        }
        names = {"#status": "status"}
        if request.metrics:
            names["#metrics"] = "metrics"  # a DynamoDB reserved word
            sets.append("#metrics = :metrics")
            values[":metrics"] = {"S": orjson.dumps(request.metrics).decode()}
        if request.target == JobStatus.RUNNING:
            sets.append("started_at = :at")
        if request.target in TERMINAL:
            sets.append("finished_at = :at")
        if request.quality is not None:
            sets.append("quality = :quality")
            values[":quality"] = {"S": request.quality.model_dump_json()}
        items: list[TransactWriteItemTypeDef] = [
            {
                "Update": {
                    "TableName": self._t.jobs,
                    "Key": {"job_id": {"S": request.job_id}},
                    "UpdateExpression": "SET " + ", ".join(sets),
                    "ConditionExpression": "#status = :expected AND version = :version",
                    "ExpressionAttributeNames": names,
                    "ExpressionAttributeValues": values,
                }
            },
            {
                "Put": {
                    "TableName": self._t.audit,
                    "Item": audit_to_item(audit),
                    "ConditionExpression": "attribute_not_exists(job_id)",
                }
            },
            {"Put": {"TableName": self._t.outbox, "Item": outbox_to_item(outbox)}},
        ]
        if webhook is not None:
            items.append(self._webhook_put(webhook, request.at))
        await self._transact(
            items, f"transition job {request.job_id}", 3 if webhook is not None else None
        )

    async def heartbeat(
        self, job_id: str, status: JobStatus, at: datetime, webhook: WebhookMark | None = None
    ) -> None:
        items: list[TransactWriteItemTypeDef] = [
            {
                "Update": {
                    "TableName": self._t.jobs,
                    "Key": {"job_id": {"S": job_id}},
                    "UpdateExpression": "SET last_heartbeat_at = :at",
                    "ConditionExpression": "#status = :status",
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": {
                        ":at": {"S": at.isoformat()},
                        ":status": {"S": status.value},
                    },
                }
            }
        ]
        if webhook is not None:
            items.append(self._webhook_put(webhook, at))
        await self._transact(items, f"heartbeat job {job_id}", 1 if webhook is not None else None)

    async def webhook_seen(self, webhook_id: str, now: datetime) -> bool:
        try:
            resp = await self._ddb.get_item(
                TableName=self._t.webhooks,
                Key={"webhook_id": {"S": webhook_id}},
                ConsistentRead=True,
            )
        except (ClientError, BotoCoreError) as exc:
            raise _unavailable(exc, "read webhook id") from exc
        item = resp.get("Item")
        return item is not None and int(item["expires_at"]["N"]) > now.timestamp()

    async def list_jobs(
        self, query: JobQuery, limit: int, after: dict[str, str] | None
    ) -> tuple[list[Job], dict[str, str] | None]:
        if query.status is not None:
            index, pk_name, pk_value = JOBS_BY_STATUS, "status", query.status.value
        elif query.job_type is not None:
            index, pk_name, pk_value = JOBS_BY_TYPE, "job_type", query.job_type
        else:
            index, pk_name, pk_value = JOBS_BY_CREATED, "list_pk", LIST_PK
        kwargs: dict[str, Any] = {
            "TableName": self._t.jobs,
            "IndexName": index,
            "KeyConditionExpression": "#pk = :pk",
            "ExpressionAttributeNames": {"#pk": pk_name},
            "ExpressionAttributeValues": {":pk": {"S": pk_value}},
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if query.status is not None and query.job_type is not None:
            kwargs["FilterExpression"] = "job_type = :type"
            kwargs["ExpressionAttributeValues"][":type"] = {"S": query.job_type}
        if after is not None:
            kwargs["ExclusiveStartKey"] = {
                "job_id": {"S": after["job_id"]},
                "created_sk": {"S": after["created_sk"]},
                pk_name: {"S": pk_value},
            }
        try:
            resp = await self._ddb.query(**kwargs)
        except (ClientError, BotoCoreError) as exc:
            raise _unavailable(exc, "list jobs") from exc
        jobs = [item_to_job(i) for i in resp.get("Items", [])]
        last = resp.get("LastEvaluatedKey")
        if not last:
            return jobs, None
        return jobs, {
            "job_id": str(last["job_id"]["S"]),
            "created_sk": str(last["created_sk"]["S"]),
        }

    async def jobs_in_status(self, status: JobStatus) -> list[Job]:
        out: list[Job] = []
        after: dict[str, str] | None = None
        while True:
            page, after = await self.list_jobs(JobQuery(status=status), 100, after)
            out.extend(page)
            if after is None:
                return out

    async def history(self, job_id: str) -> list[AuditEntry]:
        entries: list[AuditEntry] = []
        kwargs: dict[str, Any] = {
            "TableName": self._t.audit,
            "KeyConditionExpression": "job_id = :id",
            "ExpressionAttributeValues": {":id": {"S": job_id}},
            "ConsistentRead": True,
        }
        try:
            while True:
                resp = await self._ddb.query(**kwargs)
                entries.extend(item_to_audit(i) for i in resp.get("Items", []))
                if "LastEvaluatedKey" not in resp:
                    return entries
                kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
        except (ClientError, BotoCoreError) as exc:
            raise _unavailable(exc, "read job history") from exc

    async def set_run(self, job_id: str, run_id: str) -> bool:
        try:
            await self._ddb.update_item(
                TableName=self._t.jobs,
                Key={"job_id": {"S": job_id}},
                UpdateExpression="SET run_id = :run",
                ConditionExpression="attribute_exists(job_id) AND attribute_not_exists(run_id)",
                ExpressionAttributeValues={":run": {"S": run_id}},
            )
        except self._ddb.exceptions.ConditionalCheckFailedException:
            return False
        except (ClientError, BotoCoreError) as exc:
            raise _unavailable(exc, "record job run") from exc
        return True

    async def mark_stalled(self, job_id: str, at: datetime, outbox: OutboxItem) -> bool:
        items: list[TransactWriteItemTypeDef] = [
            {
                "Update": {
                    "TableName": self._t.jobs,
                    "Key": {"job_id": {"S": job_id}},
                    "UpdateExpression": "SET stalled_at = :at",
                    "ConditionExpression": (
                        "#status = :submitted AND attribute_not_exists(stalled_at)"
                    ),
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": {
                        ":at": {"S": at.isoformat()},
                        ":submitted": {"S": JobStatus.SUBMITTED.value},
                    },
                }
            },
            {"Put": {"TableName": self._t.outbox, "Item": outbox_to_item(outbox)}},
        ]
        try:
            await self._transact(items, f"mark job {job_id} stalled", None)
        except TransitionConflictError:
            return False
        return True


class DynamoOutbox:
    """The outbox table: normally near empty, since events are deleted once published."""

    def __init__(self, ddb: DynamoDBClient, table: str) -> None:
        self._ddb = ddb
        self._table = table

    async def pending(self, created_before: datetime, limit: int) -> list[OutboxItem]:
        items: list[OutboxItem] = []
        kwargs: dict[str, Any] = {"TableName": self._table, "ConsistentRead": True}
        try:
            while len(items) < limit:
                resp = await self._ddb.scan(**kwargs)
                for raw in resp.get("Items", []):
                    entry = item_to_outbox(raw)
                    if entry.created_at < created_before:
                        items.append(entry)
                if "LastEvaluatedKey" not in resp:
                    break
                kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
        except (ClientError, BotoCoreError) as exc:
            raise _unavailable(exc, "scan outbox") from exc
        return sorted(items, key=lambda i: i.created_at)[:limit]

    async def delete(self, event_id: str) -> None:
        try:
            await self._ddb.delete_item(TableName=self._table, Key={"event_id": {"S": event_id}})
        except (ClientError, BotoCoreError) as exc:
            raise _unavailable(exc, "delete outbox entry") from exc
