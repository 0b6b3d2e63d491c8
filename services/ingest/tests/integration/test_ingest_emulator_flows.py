"""The real adapters against the emulator: multipart landing, S3 and SNS failures, replays."""

import asyncio
import hashlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from driftgate.ingest.adapters.dynamo_api_keys import DynamoApiKeyStore
from driftgate.ingest.adapters.dynamo_idempotency import DynamoIdempotencyStore
from driftgate.ingest.adapters.s3_raw_store import S3RawObjectStore
from driftgate.ingest.domain.api_keys import generate_key
from driftgate.ingest.errors import IngestError, StorageUnavailableError
from driftgate.ingest.handlers import IngestDeps, Landing, LandPayload, land_payload
from driftgate.runtime.aws import AwsClientFactory
from driftgate.runtime.naming import Naming
from driftgate.runtime.publisher import FakeEventPublisher, SnsEventPublisher
from driftgate.runtime.topology import API_KEYS_TABLE, IDEMPOTENCY_TABLE, RAW_BUCKET

MIB = 1024 * 1024


async def parts(*blocks: bytes) -> AsyncIterator[bytes]:
    for block in blocks:
        yield block


async def raw_keys(s3: object, bucket: str, prefix: str) -> list[str]:
    resp = await s3.list_object_versions(Bucket=bucket, Prefix=prefix)  # type: ignore[attr-defined]
    return [v["Key"] for v in resp.get("Versions", [])]


async def test_large_body_lands_via_multipart_with_full_metadata_and_no_staging_left(
    aws: AwsClientFactory, provisioned: Naming
) -> None:
    bucket = provisioned.bucket(RAW_BUCKET)
    blocks = [bytes([65 + i]) * (MIB + 17) for i in range(11)]  # ~11 MiB in odd chunks
    async with aws.client("s3") as s3, aws.client("dynamodb") as ddb:
        keys = DynamoApiKeyStore(ddb, provisioned.table(API_KEYS_TABLE))
        issued = generate_key("orders", datetime.now(UTC))
        await keys.save(issued.record)
        publisher = FakeEventPublisher()
        deps = IngestDeps(
            keys=keys,
            raw=S3RawObjectStore(s3, bucket),
            publisher=publisher,
            max_body_bytes=64 * MIB,
            multipart_threshold_bytes=5 * MIB,
            part_size_bytes=5 * MIB,
        )
        landing = await land_payload(
            LandPayload("orders", issued.secret, "text/csv", parts(*blocks)), deps
        )
        key = landing.receipt.location.split("/", 3)[3]
        head = await s3.head_object(Bucket=bucket, Key=key)
        stored = await (await s3.get_object(Bucket=bucket, Key=key))["Body"].read()
        uploads = await s3.list_multipart_uploads(Bucket=bucket)
        staging = await raw_keys(s3, bucket, "staging/")
    expected = b"".join(blocks)
    assert stored == expected
    assert head["Metadata"]["sha256"] == hashlib.sha256(expected).hexdigest()
    assert head["Metadata"]["size"] == str(len(expected))
    assert head["Metadata"]["ingest_id"] == landing.receipt.ingest_id
    assert head["ContentType"] == "text/csv"
    assert uploads.get("Uploads", []) == [] and staging == []
    [event] = publisher.events()
    assert event.data.key == key and event.data.size_bytes == len(expected)


async def test_s3_failure_mid_upload_aborts_and_leaves_nothing_visible(
    aws: AwsClientFactory, provisioned: Naming
) -> None:
    bucket = provisioned.bucket(RAW_BUCKET)
    async with aws.client("s3") as s3, aws.client("dynamodb") as ddb:
        keys = DynamoApiKeyStore(ddb, provisioned.table(API_KEYS_TABLE))
        issued = generate_key("orders", datetime.now(UTC))
        await keys.save(issued.record)

        async def body_that_outlives_its_upload() -> AsyncIterator[bytes]:
            for _ in range(6):
                yield b"x" * MIB
            # S3 loses the upload mid-request (as after an expiry or a region failover).
            listed = await s3.list_multipart_uploads(Bucket=bucket)
            for up in listed.get("Uploads", []):
                await s3.abort_multipart_upload(
                    Bucket=bucket, Key=up["Key"], UploadId=up["UploadId"]
                )
            for _ in range(6):
                yield b"y" * MIB

        publisher = FakeEventPublisher()
        deps = IngestDeps(
            keys=keys,
            raw=S3RawObjectStore(s3, bucket),
            publisher=publisher,
            max_body_bytes=64 * MIB,
            multipart_threshold_bytes=5 * MIB,
            part_size_bytes=5 * MIB,
        )
        with pytest.raises(StorageUnavailableError) as failure:
            await land_payload(
                LandPayload(
                    "orders", issued.secret, "application/json", body_that_outlives_its_upload()
                ),
                deps,
            )
        assert failure.value.status == 503 and failure.value.retry_after
        visible = await raw_keys(s3, bucket, "")
        uploads = await s3.list_multipart_uploads(Bucket=bucket)
    assert visible == [] and uploads.get("Uploads", []) == []
    assert publisher.events() == []


async def test_sns_failure_is_503_and_a_keyed_retry_announces_the_same_object(
    aws: AwsClientFactory, provisioned: Naming
) -> None:
    bucket = provisioned.bucket(RAW_BUCKET)
    async with aws.client("s3") as s3, aws.client("dynamodb") as ddb, aws.client("sns") as sns:
        keys = DynamoApiKeyStore(ddb, provisioned.table(API_KEYS_TABLE))
        issued = generate_key("orders", datetime.now(UTC))
        await keys.save(issued.record)
        # A naming whose topics do not exist: SNS answers NotFound, as in an outage.
        broken = Naming("nosuchenv", provisioned.region, provisioned.account_id)
        deps = IngestDeps(
            keys=keys,
            raw=S3RawObjectStore(s3, bucket),
            publisher=SnsEventPublisher(sns, broken),
            idempotency=DynamoIdempotencyStore(ddb, provisioned.table(IDEMPOTENCY_TABLE)),
            max_body_bytes=MIB,
        )

        def cmd() -> LandPayload:
            return LandPayload(
                "orders",
                issued.secret,
                "application/json",
                parts(b'{"a": 1}'),
                idempotency_key="retry-me",
            )

        with pytest.raises(StorageUnavailableError):
            await land_payload(cmd(), deps)
        deps.publisher = FakeEventPublisher()
        retry = await land_payload(cmd(), deps)
        stored = await raw_keys(s3, bucket, "raw/")
    assert retry.replayed
    assert stored == [retry.receipt.location.split("/", 3)[3]]
    assert isinstance(deps.publisher, FakeEventPublisher)
    [event] = deps.publisher.events()
    assert event.data.ingest_id == retry.receipt.ingest_id


async def test_concurrent_replays_of_one_key_write_exactly_one_object(
    aws: AwsClientFactory, provisioned: Naming
) -> None:
    bucket = provisioned.bucket(RAW_BUCKET)
    async with aws.client("s3") as s3, aws.client("dynamodb") as ddb:
        keys = DynamoApiKeyStore(ddb, provisioned.table(API_KEYS_TABLE))
        issued = generate_key("orders", datetime.now(UTC))
        await keys.save(issued.record)
        publisher = FakeEventPublisher()
        deps = IngestDeps(
            keys=keys,
            raw=S3RawObjectStore(s3, bucket),
            publisher=publisher,
            idempotency=DynamoIdempotencyStore(ddb, provisioned.table(IDEMPOTENCY_TABLE)),
            max_body_bytes=MIB,
        )

        async def attempt() -> Landing | IngestError:
            cmd = LandPayload(
                "orders",
                issued.secret,
                "application/json",
                parts(b'{"same": true}'),
                idempotency_key="one-key",
            )
            try:
                return await land_payload(cmd, deps)
            except IngestError as exc:
                return exc

        results = await asyncio.gather(*(attempt() for _ in range(8)))
        after = await attempt()  # once all settled, a retry is a clean replay
        stored = await raw_keys(s3, bucket, "raw/")
    landings = [r for r in results if isinstance(r, Landing)]
    errors = [r for r in results if isinstance(r, IngestError)]
    assert len([x for x in landings if not x.replayed]) == 1
    assert {e.problem for e in errors} <= {"idempotency-key-in-progress"}
    assert len({x.receipt.ingest_id for x in landings}) == 1
    assert isinstance(after, Landing) and after.replayed
    assert after.receipt == landings[0].receipt
    assert len(stored) == 1 and len(publisher.events()) == 1


async def test_keys_are_listed_without_secrets_and_revoked_by_id(
    aws: AwsClientFactory, provisioned: Naming
) -> None:
    async with aws.client("dynamodb") as ddb:
        store = DynamoApiKeyStore(ddb, provisioned.table(API_KEYS_TABLE))
        a = generate_key("orders", datetime(2026, 1, 1, tzinfo=UTC))
        b = generate_key("billing", datetime(2026, 1, 2, tzinfo=UTC))
        await store.save(a.record)
        await store.save(b.record)
        assert [r.key_id for r in await store.list_keys()] == [a.record.key_id, b.record.key_id]
        assert [r.key_id for r in await store.list_keys("billing")] == [b.record.key_id]
        revoked = await store.revoke(a.record.key_id)
        assert revoked is not None and revoked.revoked
        found = await store.find_by_hash(a.record.key_hash)
        assert found is not None and found.revoked
        assert await store.revoke("key_doesnotexist") is None
