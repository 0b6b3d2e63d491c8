"""The use case with fakes: multipart staging, gzip, media types, idempotency, SNS outages."""

import gzip
import hashlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from driftgate.ingest.adapters.dynamo_api_keys import InMemoryApiKeyStore
from driftgate.ingest.adapters.dynamo_idempotency import InMemoryIdempotencyStore
from driftgate.ingest.adapters.fake_raw_store import FakeRawObjectStore
from driftgate.ingest.domain.api_keys import generate_key
from driftgate.ingest.domain.idempotency import ClaimState
from driftgate.ingest.domain.rate_limit import RateLimiter
from driftgate.ingest.errors import (
    IdempotencyKeyReusedError,
    InvalidGzipError,
    InvalidIdempotencyKeyError,
    PayloadTooLargeError,
    RateLimitedError,
    StorageUnavailableError,
    UnsupportedContentEncodingError,
)
from driftgate.ingest.handlers import IngestDeps, LandPayload, land_payload
from driftgate.runtime.publisher import FakeEventPublisher

NOW = datetime(2026, 11, 23, 10, 30, tzinfo=UTC)


async def chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


class World:
    def __init__(self, max_body: int = 1000) -> None:
        self.keys = InMemoryApiKeyStore()
        self.raw = FakeRawObjectStore(bucket="raw-bucket")
        self.publisher = FakeEventPublisher()
        self.idem = InMemoryIdempotencyStore()
        self.deps = IngestDeps(
            keys=self.keys,
            raw=self.raw,
            publisher=self.publisher,
            idempotency=self.idem,
            max_body_bytes=max_body,
            clock=lambda: NOW,
            multipart_threshold_bytes=10,
            part_size_bytes=16,
        )
        issued = generate_key("orders", NOW)
        self.keys.records[issued.record.key_hash] = issued.record
        self.key = issued.secret

    def cmd(
        self,
        *body: bytes,
        ctype: str = "application/json",
        encoding: str | None = None,
        idem: str | None = None,
    ) -> LandPayload:
        return LandPayload(
            source_id="orders",
            api_key=self.key,
            content_type=ctype,
            body=chunks(*body),
            content_encoding=encoding,
            idempotency_key=idem,
        )


async def test_large_body_is_staged_in_parts_and_promoted_with_full_metadata() -> None:
    w = World()
    body = [b"a" * 7, b"b" * 30, b"c" * 20]
    receipt = (await land_payload(w.cmd(*body), w.deps)).receipt
    [upload] = w.raw.staged.values()
    assert upload.key.startswith("staging/source=orders/")
    assert [len(p) for p in upload.parts] == [16, 16, 16, 9]
    assert upload.state == "promoted"
    [(key, (stored, ctype, meta))] = w.raw.objects.items()
    assert key.startswith("raw/") and stored == b"".join(body)
    assert meta["sha256"] == hashlib.sha256(stored).hexdigest() == receipt.sha256
    assert meta["size"] == "57" and ctype == "application/json"


async def test_failed_part_aborts_the_upload_and_nothing_is_visible() -> None:
    w = World()
    w.raw.fail_on_part = 2
    with pytest.raises(StorageUnavailableError):
        await land_payload(w.cmd(b"x" * 60), w.deps)
    assert w.raw.objects == {}
    assert [u.state for u in w.raw.staged.values()] == ["aborted"]
    assert w.publisher.events() == []


async def test_oversize_stream_aborts_its_multipart_upload() -> None:
    w = World(max_body=40)
    with pytest.raises(PayloadTooLargeError):
        await land_payload(w.cmd(*[b"y" * 8] * 10), w.deps)
    assert w.raw.objects == {} and w.raw.open_uploads == []


@pytest.mark.parametrize(
    ("ctype", "ext"),
    [("application/x-ndjson", "ndjson"), ("text/csv; charset=utf-8", "csv")],
)
async def test_ndjson_and_csv_land_with_their_extension(ctype: str, ext: str) -> None:
    w = World()
    receipt = (await land_payload(w.cmd(b"a,b\n1,2\n", ctype=ctype), w.deps)).receipt
    assert receipt.location.endswith(f"/{receipt.ingest_id}.{ext}")


async def test_gzip_is_decoded_and_stored_decoded() -> None:
    w = World()
    plain = b'{"n": 1}\n' * 20
    packed = gzip.compress(plain[:90]) + gzip.compress(plain[90:])  # two members
    receipt = (await land_payload(w.cmd(packed[:7], packed[7:], encoding="gzip"), w.deps)).receipt
    [(stored, _, meta)] = w.raw.objects.values()
    assert stored == plain and receipt.size == len(plain)
    assert meta["sha256"] == hashlib.sha256(plain).hexdigest()


@pytest.mark.parametrize(
    "body", [b"not gzip at all", gzip.compress(b'{"a": 1}' * 50)[:-12], b"\x1f\x8b\x08garbage"]
)
async def test_invalid_or_truncated_gzip_is_rejected(body: bytes) -> None:
    w = World()
    with pytest.raises(InvalidGzipError):
        await land_payload(w.cmd(body, encoding="gzip"), w.deps)
    assert w.raw.objects == {} and w.publisher.events() == []


async def test_gzip_bomb_is_stopped_by_the_decoded_size_limit() -> None:
    w = World(max_body=1000)
    bomb = gzip.compress(b"\0" * 100_000)
    assert len(bomb) < 1000
    with pytest.raises(PayloadTooLargeError):
        await land_payload(w.cmd(bomb, encoding="gzip"), w.deps)


async def test_other_content_encodings_are_415() -> None:
    w = World()
    with pytest.raises(UnsupportedContentEncodingError):
        await land_payload(w.cmd(b"{}", encoding="br"), w.deps)


async def test_replay_with_same_key_and_body_writes_nothing_new() -> None:
    w = World()
    first = await land_payload(w.cmd(b'{"a":1}', idem="k-1"), w.deps)
    again = await land_payload(w.cmd(b'{"a":', b"1}", idem="k-1"), w.deps)
    assert again.replayed and again.receipt == first.receipt
    assert len(w.raw.objects) == 1 and len(w.publisher.events()) == 1
    with pytest.raises(IdempotencyKeyReusedError):
        await land_payload(w.cmd(b'{"a":2}', idem="k-1"), w.deps)
    other = await land_payload(w.cmd(b'{"a":1}', idem="k-2"), w.deps)
    assert other.receipt.ingest_id != first.receipt.ingest_id


async def test_invalid_idempotency_key_is_400() -> None:
    w = World()
    with pytest.raises(InvalidIdempotencyKeyError):
        await land_payload(w.cmd(b"{}", idem="has space"), w.deps)


async def test_failed_write_releases_the_claim_so_a_retry_succeeds() -> None:
    w = World()
    w.raw.fail_next = 1
    with pytest.raises(StorageUnavailableError):
        await land_payload(w.cmd(b"{}", idem="k"), w.deps)
    assert w.idem.records == {}
    landing = await land_payload(w.cmd(b"{}", idem="k"), w.deps)
    assert not landing.replayed and len(w.raw.objects) == 1


async def test_sns_outage_then_retry_announces_the_stored_object_once() -> None:
    w = World()
    w.publisher.fail_next = w.deps.publish_attempts
    with pytest.raises(StorageUnavailableError) as failure:
        await land_payload(w.cmd(b'{"a":1}', idem="k"), w.deps)
    assert failure.value.retry_after
    [record] = w.idem.records.values()
    assert record.state is ClaimState.STORED and w.publisher.events() == []

    retry = await land_payload(w.cmd(b'{"a":1}', idem="k"), w.deps)
    assert retry.replayed and retry.receipt == record.receipt
    [event] = w.publisher.events()
    assert event.data.ingest_id == retry.receipt.ingest_id
    assert len(w.raw.objects) == 1
    assert w.idem.records[record.scope].state is ClaimState.DONE


async def test_short_sns_blip_is_retried_within_the_request() -> None:
    w = World()
    w.publisher.fail_next = 1
    await land_payload(w.cmd(b"{}"), w.deps)
    assert len(w.publisher.events()) == 1


def test_token_bucket_refills_and_reports_retry_after() -> None:
    now = [0.0]
    limiter = RateLimiter(rate=2.0, burst=3, clock=lambda: now[0])
    for _ in range(3):
        limiter.acquire("key_a")
    with pytest.raises(RateLimitedError) as limited:
        limiter.acquire("key_a")
    assert limited.value.retry_after == 1
    limiter.acquire("key_b")  # buckets are per key
    now[0] = 0.5
    limiter.acquire("key_a")
    with pytest.raises(RateLimitedError):
        limiter.acquire("key_a")


async def test_rate_limit_applies_per_api_key_in_the_use_case() -> None:
    w = World()
    w.deps.limiter = RateLimiter(rate=0.001, burst=1)
    await land_payload(w.cmd(b"{}"), w.deps)
    with pytest.raises(RateLimitedError) as limited:
        await land_payload(w.cmd(b"{}"), w.deps)
    assert limited.value.retry_after is not None and limited.value.retry_after > 1
    assert len(w.raw.objects) == 1
