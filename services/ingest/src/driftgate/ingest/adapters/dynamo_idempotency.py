"""Idempotency records in DynamoDB (expired by TTL), and an in-memory stand-in."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from driftgate.ingest.domain.idempotency import ClaimState, IdempotencyRecord, Receipt
from driftgate.ingest.errors import StorageUnavailableError
from driftgate.runtime.aws_errors import classify

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb import DynamoDBClient
    from types_aiobotocore_dynamodb.type_defs import AttributeValueTypeDef


def _receipt_json(receipt: Receipt) -> str:
    return json.dumps(
        {
            "ingest_id": receipt.ingest_id,
            "location": receipt.location,
            "sha256": receipt.sha256,
            "size": receipt.size,
        }
    )


def _record(item: dict[str, AttributeValueTypeDef]) -> IdempotencyRecord:
    receipt = json.loads(item["receipt"]["S"]) if "receipt" in item else None
    return IdempotencyRecord(
        scope=item["scope"]["S"],
        token=item["token"]["S"],
        state=ClaimState(item["state"]["S"]),
        claimed_at=float(item["claimed_at"]["N"]),
        expires_at=float(item["expires_at"]["N"]),
        receipt=Receipt(**receipt) if receipt else None,
        event=item["event"]["S"] if "event" in item else None,
    )


class DynamoIdempotencyStore:
    """One item per scope; a conditional put claims it, so concurrent retries race safely."""

    def __init__(self, ddb: DynamoDBClient, table: str) -> None:
        self._ddb = ddb
        self._table = table

    async def claim(
        self, record: IdempotencyRecord, stale_before: float
    ) -> IdempotencyRecord | None:
        try:
            await self._ddb.put_item(
                TableName=self._table,
                Item={
                    "scope": {"S": record.scope},
                    "token": {"S": record.token},
                    "state": {"S": record.state.value},
                    "claimed_at": {"N": repr(record.claimed_at)},
                    "expires_at": {"N": str(int(record.expires_at))},
                },
                ConditionExpression=(
                    "attribute_not_exists(#scope) OR expires_at < :now"
                    " OR (#state = :in_progress AND claimed_at < :stale)"
                ),
                ExpressionAttributeNames={"#scope": "scope", "#state": "state"},
                ExpressionAttributeValues={
                    ":now": {"N": repr(record.claimed_at)},
                    ":stale": {"N": repr(stale_before)},
                    ":in_progress": {"S": ClaimState.IN_PROGRESS.value},
                },
            )
        except self._ddb.exceptions.ConditionalCheckFailedException:
            pass
        except (ClientError, BotoCoreError) as exc:
            raise StorageUnavailableError(str(classify(exc, "claim idempotency key"))) from exc
        else:
            return None
        try:
            resp = await self._ddb.get_item(
                TableName=self._table, Key={"scope": {"S": record.scope}}, ConsistentRead=True
            )
        except (ClientError, BotoCoreError) as exc:
            raise StorageUnavailableError(str(classify(exc, "read idempotency key"))) from exc
        item = resp.get("Item")
        # Released between our put and get: report it as busy; the client's retry claims it.
        return _record(item) if item else replace(record, token="")

    async def settle(
        self, scope: str, token: str, state: ClaimState, receipt: Receipt, event: str | None
    ) -> None:
        names = {"#state": "state", "#token": "token"}
        values: dict[str, AttributeValueTypeDef] = {
            ":state": {"S": state.value},
            ":receipt": {"S": _receipt_json(receipt)},
            ":token": {"S": token},
        }
        update = "SET #state = :state, receipt = :receipt"
        if event is not None:
            update += ", event = :event"
            values[":event"] = {"S": event}
        try:
            await self._ddb.update_item(
                TableName=self._table,
                Key={"scope": {"S": scope}},
                UpdateExpression=update,
                ConditionExpression="#token = :token",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
        except (ClientError, BotoCoreError) as exc:
            raise StorageUnavailableError(str(classify(exc, "settle idempotency key"))) from exc

    async def release(self, scope: str, token: str) -> None:
        try:
            await self._ddb.delete_item(
                TableName=self._table,
                Key={"scope": {"S": scope}},
                ConditionExpression="#token = :token AND #state = :in_progress",
                ExpressionAttributeNames={"#token": "token", "#state": "state"},
                ExpressionAttributeValues={
                    ":token": {"S": token},
                    ":in_progress": {"S": ClaimState.IN_PROGRESS.value},
                },
            )
        except self._ddb.exceptions.ConditionalCheckFailedException:
            return
        except (ClientError, BotoCoreError) as exc:
            raise StorageUnavailableError(str(classify(exc, "release idempotency key"))) from exc


@dataclass
class InMemoryIdempotencyStore:
    records: dict[str, IdempotencyRecord] = field(default_factory=dict)

    async def claim(
        self, record: IdempotencyRecord, stale_before: float
    ) -> IdempotencyRecord | None:
        current = self.records.get(record.scope)
        if current is not None and not (
            current.expires_at < record.claimed_at
            or (current.state is ClaimState.IN_PROGRESS and current.claimed_at < stale_before)
        ):
            return current
        self.records[record.scope] = record
        return None

    async def settle(
        self, scope: str, token: str, state: ClaimState, receipt: Receipt, event: str | None
    ) -> None:
        current = self.records[scope]
        if current.token == token:
            self.records[scope] = replace(
                current, state=state, receipt=receipt, event=event or current.event
            )

    async def release(self, scope: str, token: str) -> None:
        current = self.records.get(scope)
        if current and current.token == token and current.state is ClaimState.IN_PROGRESS:
            del self.records[scope]
