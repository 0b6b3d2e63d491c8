"""The shared hashed-key table against the emulator: round trip, insert-only, error mapping."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from driftgate.runtime.api_keys import hash_key, new_secret
from driftgate.runtime.aws import AwsClientFactory
from driftgate.runtime.dynamo_key_table import DynamoKeyTable
from driftgate.runtime.naming import Naming
from driftgate.runtime.topology import API_KEYS_TABLE

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb import DynamoDBClient
    from types_aiobotocore_dynamodb.type_defs import AttributeValueTypeDef


@dataclass(frozen=True)
class _Key:
    key_hash: str
    key_id: str


class _DownError(Exception):
    pass


def _table(ddb: DynamoDBClient, name: str) -> DynamoKeyTable[_Key]:
    def to_item(k: _Key) -> dict[str, AttributeValueTypeDef]:
        return {"key_hash": {"S": k.key_hash}, "key_id": {"S": k.key_id}}

    def from_item(item: dict[str, AttributeValueTypeDef]) -> _Key:
        return _Key(key_hash=item["key_hash"]["S"], key_id=item["key_id"]["S"])

    return DynamoKeyTable(
        ddb, name, noun="test key", to_item=to_item, from_item=from_item, unavailable=_DownError
    )


async def test_keys_round_trip_and_are_never_overwritten(
    aws: AwsClientFactory, provisioned: Naming
) -> None:
    key = _Key(key_hash=hash_key(new_secret("t_")), key_id="k1")
    async with aws.client("dynamodb") as ddb:
        table = _table(ddb, provisioned.table(API_KEYS_TABLE))
        await table.save(key)
        assert await table.find_by_hash(key.key_hash) == key
        assert await table.find_by_hash("0" * 64) is None
        with pytest.raises(_DownError, match="save test key"):
            await table.save(_Key(key_hash=key.key_hash, key_id="k2"))
        assert await table.find_by_hash(key.key_hash) == key


async def test_sdk_failures_become_the_services_error(
    aws: AwsClientFactory, provisioned: Naming
) -> None:
    async with aws.client("dynamodb") as ddb:
        table = _table(ddb, provisioned.table("no-such-table"))
        with pytest.raises(_DownError, match="read test key"):
            await table.find_by_hash("0" * 64)
