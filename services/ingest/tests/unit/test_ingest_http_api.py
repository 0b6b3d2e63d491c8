"""The full HTTP surface over loopback: gzip, idempotency, 429, OpenAPI, Swagger UI, logs."""

import gzip
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from driftgate.ingest.adapters.dynamo_api_keys import InMemoryApiKeyStore
from driftgate.ingest.adapters.dynamo_idempotency import InMemoryIdempotencyStore
from driftgate.ingest.adapters.fake_raw_store import FakeRawObjectStore
from driftgate.ingest.bootstrap import bootstrap
from driftgate.ingest.domain.api_keys import generate_key
from driftgate.ingest.entrypoints.http_app import SERVER_OPTIONS
from driftgate.ingest.errors import ALL_ERRORS, PROBLEM_BASE
from driftgate.ingest.settings import IngestSettings
from driftgate.runtime.health import health_routes
from driftgate.runtime.publisher import FakeEventPublisher

NOW = datetime(2026, 11, 23, tzinfo=UTC)
URL = "/v1/sources/orders/payloads"


class Api:
    def __init__(self, session: ClientSession, base: str, key: str) -> None:
        self.session, self.base, self.key = session, base, key
        self.raw = FakeRawObjectStore(bucket="raw")
        self.publisher = FakeEventPublisher()


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    keys = InMemoryApiKeyStore()
    issued = generate_key("orders", NOW)
    await keys.save(issued.record)
    raw, publisher = FakeRawObjectStore(bucket="raw"), FakeEventPublisher()
    app = bootstrap(
        keys=keys,
        raw=raw,
        publisher=publisher,
        idempotency=InMemoryIdempotencyStore(),
        settings=IngestSettings(
            max_body_bytes=4096, rate_limit_per_second=0.01, rate_limit_burst=5
        ),
    )
    app.add_routes(health_routes({}))
    server = TestServer(app, host="127.0.0.1")
    await server.start_server(auto_decompress=SERVER_OPTIONS["auto_decompress"])
    async with ClientSession() as session:
        a = Api(session, str(server.make_url("")), issued.secret)
        a.raw, a.publisher = raw, publisher
        yield a
    await server.close()


def headers(api: Api, **extra: str) -> dict[str, str]:
    return {"X-Api-Key": api.key, "Content-Type": "application/json", **extra}


async def test_gzip_body_over_http_is_stored_decoded(api: Api) -> None:
    plain = b'{"order_id": 1}\n' * 50
    async with api.session.post(
        api.base + URL,
        data=gzip.compress(plain),
        headers=headers(
            api, **{"Content-Encoding": "gzip", "Content-Type": "application/x-ndjson"}
        ),
    ) as resp:
        assert resp.status == 202
        body = await resp.json()
    assert body["size"] == len(plain)
    [(stored, ctype, _)] = api.raw.objects.values()
    assert stored == plain and ctype == "application/x-ndjson"


async def test_bad_gzip_over_http_is_problem_400(api: Api) -> None:
    async with api.session.post(
        api.base + URL,
        data=b"plainly not gzip",
        headers=headers(api, **{"Content-Encoding": "gzip"}),
    ) as resp:
        assert resp.status == 400
        problem = await resp.json(content_type=None)
    assert problem["type"] == PROBLEM_BASE + "invalid-gzip"
    assert api.raw.objects == {}


async def test_idempotent_replay_and_conflict_over_http(api: Api) -> None:
    h = headers(api, **{"Idempotency-Key": "order-batch-7"})
    async with api.session.post(api.base + URL, data=b'{"a": 1}', headers=h) as first:
        assert first.status == 202
        original = await first.json()
    async with api.session.post(api.base + URL, data=b'{"a": 1}', headers=h) as again:
        assert again.status == 202
        assert again.headers["Idempotent-Replayed"] == "true"
        assert await again.json() == original
    async with api.session.post(api.base + URL, data=b'{"a": 2}', headers=h) as other:
        assert other.status == 409
        problem = await other.json(content_type=None)
    assert problem["type"] == PROBLEM_BASE + "idempotency-key-reused"
    assert len(api.raw.objects) == 1 and len(api.publisher.events()) == 1


async def test_rate_limited_key_gets_429_with_retry_after(api: Api) -> None:
    statuses = []
    for _ in range(7):
        async with api.session.post(api.base + URL, data=b"{}", headers=headers(api)) as resp:
            statuses.append(resp.status)
            retry_after = resp.headers.get("Retry-After")
    assert statuses == [202] * 5 + [429] * 2
    assert retry_after is not None and int(retry_after) >= 1


async def test_correlation_id_is_generated_when_absent_or_invalid(api: Api) -> None:
    for supplied in ({}, {"X-Correlation-ID": "bad id with spaces"}):
        async with api.session.post(
            api.base + "/v1/sources/BAD/payloads", data=b"{}", headers=headers(api, **supplied)
        ) as resp:
            cid = resp.headers["X-Correlation-ID"]
            problem = await resp.json(content_type=None)
        assert len(cid) == 32 and problem["correlation_id"] == cid


async def test_logs_never_contain_the_api_key_or_the_body(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    secret_body = b'{"ssn": "078-05-1120-unique-marker"}'
    caplog.set_level(logging.DEBUG)
    async with api.session.post(api.base + URL, data=secret_body, headers=headers(api)) as resp:
        assert resp.status == 202
    async with api.session.post(
        api.base + "/v1/sources/billing/payloads", data=secret_body, headers=headers(api)
    ) as resp:
        assert resp.status == 403
    async with api.session.post(
        api.base + URL, data=secret_body, headers={**headers(api), "X-Api-Key": "dgk_wrong-key-1"}
    ) as resp:
        assert resp.status == 401
    text = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "payload landed" in text and "request rejected" in text
    assert api.key not in text and "dgk_wrong-key-1" not in text
    assert "unique-marker" not in text


async def test_every_route_is_documented_in_openapi(api: Api) -> None:
    async with api.session.get(api.base + "/openapi.json") as resp:
        assert resp.status == 200
        doc = await resp.json()
    assert doc["openapi"].startswith("3.1")
    app_routes = {(route.method.lower(), route.resource.canonical) for route in api_app_routes(doc)}
    documented = {(m, p) for p, item in doc["paths"].items() for m in item}
    assert app_routes <= documented
    responses = doc["paths"][URL.replace("orders", "{source_id}")]["post"]["responses"]
    statuses = {int(s) for s in responses if s != "default"}
    assert {e.status for e in ALL_ERRORS} | {202} == statuses
    assert set(doc["components"]["x-problem-types"]) == {
        PROBLEM_BASE + e.problem for e in ALL_ERRORS
    }
    for schema in ("IngestReceipt", "Problem"):
        assert schema in doc["components"]["schemas"]


def api_app_routes(doc: dict[str, object]) -> list:  # type: ignore[type-arg]
    # The app under test is rebuilt here exactly as bootstrap builds it, plus health routes.
    app = bootstrap(
        keys=InMemoryApiKeyStore(), raw=FakeRawObjectStore(), publisher=FakeEventPublisher()
    )
    app.add_routes(health_routes({}))
    return [r for r in app.router.routes() if r.method != "HEAD"]


async def test_swagger_ui_is_served_without_internet(api: Api) -> None:
    async with api.session.get(api.base + "/docs") as resp:
        assert resp.status == 200
        page = await resp.text()
    assert "/openapi.json" in page and "/docs/assets/swagger-ui-bundle.js" in page
    async with api.session.get(api.base + "/docs/assets/swagger-ui-bundle.js") as resp:
        assert resp.status == 200
        assert "SwaggerUIBundle" in await resp.text()
    async with api.session.get(api.base + "/docs/assets/..%2Fsettings.py") as resp:
        assert resp.status == 404
        assert resp.content_type == "application/problem+json"
