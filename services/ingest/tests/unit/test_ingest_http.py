"""The HTTP layer over real loopback HTTP, with in-memory adapters."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from driftgate.ingest.adapters.dynamo_api_keys import InMemoryApiKeyStore
from driftgate.ingest.adapters.fake_raw_store import FakeRawObjectStore
from driftgate.ingest.bootstrap import bootstrap
from driftgate.ingest.domain.api_keys import generate_key
from driftgate.ingest.settings import IngestSettings
from driftgate.runtime.publisher import FakeEventPublisher

NOW = datetime(2026, 11, 23, tzinfo=UTC)
URL = "/v1/sources/orders/payloads"


class Harness:
    def __init__(self) -> None:
        self.keys = InMemoryApiKeyStore()
        self.raw = FakeRawObjectStore(bucket="raw")
        self.publisher = FakeEventPublisher()
        issued = generate_key("orders", NOW)
        self.keys.records[issued.record.key_hash] = issued.record
        self.key = issued.secret
        self.app = bootstrap(
            keys=self.keys,
            raw=self.raw,
            publisher=self.publisher,
            settings=IngestSettings(max_body_bytes=1024),
        )


@pytest.fixture
async def harness() -> AsyncIterator[tuple[Harness, ClientSession, str]]:
    h = Harness()
    server = TestServer(h.app, host="127.0.0.1")
    await server.start_server()
    async with ClientSession() as session:
        yield h, session, str(server.make_url(""))
    await server.close()


async def test_accepted_payload_returns_202_receipt(
    harness: tuple[Harness, ClientSession, str],
) -> None:
    h, session, base = harness
    async with session.post(
        base + URL,
        data=b'{"id": 1}',
        headers={
            "X-Api-Key": h.key,
            "Content-Type": "application/json",
            "X-Correlation-ID": "req-1",
        },
    ) as resp:
        body = await resp.json()
        assert resp.status == 202
        assert resp.headers["X-Correlation-ID"] == "req-1"
        assert resp.headers["traceparent"].startswith("00-")
    assert set(body) == {"ingest_id", "location", "sha256", "size"}
    assert body["size"] == 9
    assert body["location"].startswith("s3://raw/raw/source=orders/")
    [event] = h.publisher.events()
    assert event.correlationid == "req-1"
    assert event.traceparent is not None
    assert event.traceparent.split("-")[1] == resp.headers["traceparent"].split("-")[1]


VALID = "valid"


@pytest.mark.parametrize(
    ("api_key", "ctype", "data", "path", "status", "problem"),
    [
        (None, "application/json", b"{}", URL, 401, "unauthenticated"),
        ("dgk_wrong", "application/json", b"{}", URL, 401, "unauthenticated"),
        (VALID, "text/plain", b"{}", URL, 415, "unsupported-media-type"),
        (VALID, "application/json", b"", URL, 400, "empty-body"),
        (VALID, "application/json", b"x" * 2048, URL, 413, "payload-too-large"),
        (VALID, "application/json", b"{}", "/v1/sources/BAD!/payloads", 400, "invalid-source-id"),
        (VALID, "application/json", b"{}", "/v1/sources/billing/payloads", 403, "forbidden-source"),
        (VALID, "application/json", b"{}", "/v1/nowhere", 404, "http-404"),
    ],
)
async def test_errors_are_problem_json(
    harness: tuple[Harness, ClientSession, str],
    api_key: str | None,
    ctype: str,
    data: bytes,
    path: str,
    status: int,
    problem: str,
) -> None:
    h, session, base = harness
    headers = {"Content-Type": ctype}
    if api_key is not None:
        headers["X-Api-Key"] = h.key if api_key == VALID else api_key
    async with session.post(base + path, data=data, headers=headers) as resp:
        assert resp.status == status
        assert resp.content_type == "application/problem+json"
        body = await resp.json(content_type=None)
    assert body["type"].endswith("/" + problem)
    assert body["status"] == status
    assert body["detail"]
    assert body["correlation_id"] == resp.headers["X-Correlation-ID"]
    assert h.raw.objects == {}
    assert h.publisher.events() == []


async def test_chunked_body_over_limit_is_413(harness: tuple[Harness, ClientSession, str]) -> None:
    h, session, base = harness

    async def gen() -> AsyncIterator[bytes]:
        for _ in range(64):
            yield b"x" * 64

    async with session.post(
        base + URL, data=gen(), headers={"X-Api-Key": h.key, "Content-Type": "application/json"}
    ) as resp:
        assert resp.status == 413
    assert h.raw.objects == {}


async def test_storage_outage_is_503_with_retry_after(
    harness: tuple[Harness, ClientSession, str],
) -> None:
    h, session, base = harness
    h.raw.fail_next = 1
    async with session.post(
        base + URL, data=b"{}", headers={"X-Api-Key": h.key, "Content-Type": "application/json"}
    ) as resp:
        assert resp.status == 503
        assert resp.headers["Retry-After"] == "5"
