from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from driftgate.ingest.adapters.dynamo_api_keys import InMemoryApiKeyStore
from driftgate.ingest.adapters.fake_raw_store import FakeRawObjectStore
from driftgate.ingest.domain.api_keys import generate_key
from driftgate.ingest.errors import (
    EmptyBodyError,
    ForbiddenSourceError,
    InvalidSourceIdError,
    PayloadTooLargeError,
    StorageUnavailableError,
    UnauthenticatedError,
    UnsupportedMediaTypeError,
)
from driftgate.ingest.handlers import IngestDeps, LandPayload, land_payload
from driftgate.runtime.publisher import FakeEventPublisher

NOW = datetime(2026, 11, 23, 10, 30, tzinfo=UTC)


async def chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


@pytest.fixture
def deps() -> IngestDeps:
    return IngestDeps(
        keys=InMemoryApiKeyStore(),
        raw=FakeRawObjectStore(bucket="raw-bucket"),
        publisher=FakeEventPublisher(),
        max_body_bytes=64,
        clock=lambda: NOW,
    )


async def key_for(deps: IngestDeps, source: str) -> str:
    issued = generate_key(source, NOW)
    await deps.keys.save(issued.record)
    return issued.secret


def cmd(source: str, key: str | None, *body: bytes, ctype: str = "application/json") -> LandPayload:
    return LandPayload(source_id=source, api_key=key, content_type=ctype, body=chunks(*body))


async def test_lands_object_and_publishes_event(deps: IngestDeps) -> None:
    key = await key_for(deps, "orders")
    landed = (await land_payload(cmd("orders", key, b'{"a":', b"1}"), deps)).receipt

    key_path = f"raw/source=orders/date=2026-11-23/{landed.ingest_id}.json"
    assert landed.location == f"s3://raw-bucket/{key_path}"
    assert isinstance(deps.raw, FakeRawObjectStore)
    body, _ctype, meta = deps.raw.objects[key_path]
    assert body == b'{"a":1}'
    assert meta["sha256"] == landed.sha256 and meta["size"] == "7"
    assert isinstance(deps.publisher, FakeEventPublisher)
    [event] = deps.publisher.events("driftgate.payload.landed.v1")
    assert event.data.key == key_path and event.data.bucket == "raw-bucket"


@pytest.mark.parametrize(
    ("source", "key_source", "use_key", "error"),
    [
        ("orders", "orders", False, UnauthenticatedError),
        ("orders", "billing", True, ForbiddenSourceError),
        ("Orders!", "orders", True, InvalidSourceIdError),
        ("../etc", "orders", True, InvalidSourceIdError),
    ],
)
async def test_rejects_bad_credentials_and_source_ids(
    deps: IngestDeps, source: str, key_source: str, use_key: bool, error: type[Exception]
) -> None:
    key = await key_for(deps, key_source)
    with pytest.raises(error):
        await land_payload(cmd(source, key if use_key else None, b"{}"), deps)
    assert isinstance(deps.raw, FakeRawObjectStore) and not deps.raw.objects


async def test_unknown_key_is_unauthenticated(deps: IngestDeps) -> None:
    with pytest.raises(UnauthenticatedError):
        await land_payload(cmd("orders", "dgk_not-a-real-key", b"{}"), deps)


async def test_body_limits_and_media_types(deps: IngestDeps) -> None:
    key = await key_for(deps, "orders")
    with pytest.raises(PayloadTooLargeError):
        await land_payload(cmd("orders", key, b"x" * 40, b"y" * 40), deps)
    with pytest.raises(EmptyBodyError):
        await land_payload(cmd("orders", key), deps)
    with pytest.raises(UnsupportedMediaTypeError):
        await land_payload(cmd("orders", key, b"a,b", ctype="text/plain"), deps)
    assert isinstance(deps.raw, FakeRawObjectStore) and not deps.raw.objects


async def test_storage_and_publish_failures_are_retryable(deps: IngestDeps) -> None:
    key = await key_for(deps, "orders")
    assert isinstance(deps.raw, FakeRawObjectStore)
    deps.raw.fail_next = 1
    with pytest.raises(StorageUnavailableError) as s3_failure:
        await land_payload(cmd("orders", key, b"{}"), deps)
    assert s3_failure.value.retryable and s3_failure.value.retry_after

    assert isinstance(deps.publisher, FakeEventPublisher)
    deps.publisher.fail_next = deps.publish_attempts
    with pytest.raises(StorageUnavailableError):
        await land_payload(cmd("orders", key, b"{}"), deps)
    assert deps.publisher.events() == []
