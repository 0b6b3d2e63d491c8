from datetime import UTC, datetime

import pytest

from driftgate.ingest.adapters.dynamo_api_keys import DynamoApiKeyStore
from driftgate.ingest.adapters.s3_raw_store import S3RawObjectStore
from driftgate.ingest.domain.api_keys import generate_key
from driftgate.ingest.errors import StorageUnavailableError
from driftgate.runtime.aws import AwsClientFactory
from driftgate.runtime.naming import Naming
from driftgate.runtime.topology import API_KEYS_TABLE, RAW_BUCKET


async def test_raw_objects_are_written_once_with_metadata(
    aws: AwsClientFactory, provisioned: Naming
) -> None:
    bucket = provisioned.bucket(RAW_BUCKET)
    async with aws.client("s3") as s3:
        store = S3RawObjectStore(s3, bucket)
        assert (
            await store.put_raw("raw/k.json", b"{}", "application/json", {"sha256": "ab"}) == bucket
        )
        with pytest.raises(StorageUnavailableError):
            await store.put_raw("raw/k.json", b"[]", "application/json", {})
        head = await s3.head_object(Bucket=bucket, Key="raw/k.json")
        body = await (await s3.get_object(Bucket=bucket, Key="raw/k.json"))["Body"].read()
    assert head["Metadata"] == {"sha256": "ab"}
    assert body == b"{}"


async def test_missing_bucket_maps_to_unavailable(
    aws: AwsClientFactory, provisioned: Naming
) -> None:
    async with aws.client("s3") as s3:
        store = S3RawObjectStore(s3, "no-such-bucket-driftgate")
        with pytest.raises(StorageUnavailableError):
            await store.put_raw("raw/k.json", b"{}", "application/json", {})


async def test_api_keys_round_trip_by_hash(aws: AwsClientFactory, provisioned: Naming) -> None:
    issued = generate_key("orders", datetime(2026, 11, 23, tzinfo=UTC))
    async with aws.client("dynamodb") as ddb:
        store = DynamoApiKeyStore(ddb, provisioned.table(API_KEYS_TABLE))
        await store.save(issued.record)
        assert await store.find_by_hash(issued.record.key_hash) == issued.record
        assert await store.find_by_hash("0" * 64) is None
        with pytest.raises(StorageUnavailableError):
            await store.save(issued.record)  # a key hash is never overwritten
