"""Schemathesis against /openapi.json, served by a real loopback server with in-memory fakes."""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import schemathesis
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from driftgate.ingest.adapters.dynamo_api_keys import InMemoryApiKeyStore
from driftgate.ingest.adapters.dynamo_idempotency import InMemoryIdempotencyStore
from driftgate.ingest.adapters.fake_raw_store import FakeRawObjectStore
from driftgate.ingest.bootstrap import bootstrap
from driftgate.ingest.domain.api_keys import generate_key
from driftgate.ingest.entrypoints.http_app import SERVER_OPTIONS
from driftgate.ingest.settings import IngestSettings
from driftgate.runtime.health import health_routes
from driftgate.runtime.local.threaded_http import ThreadedHttpServer
from driftgate.runtime.publisher import FakeEventPublisher

CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)


@schemathesis.serializer("text/csv", "application/x-ndjson")
def _text_body(ctx: Any, value: Any) -> bytes:
    return value.encode() if isinstance(value, str) else str(value).encode()


@pytest.fixture(scope="module")
def live_ingest() -> Iterator[tuple[str, str]]:
    """The ingest app on a loopback port, in its own thread and loop (schemathesis is sync)."""
    issued = generate_key("orders", datetime.now(UTC))

    async def build() -> web.Application:
        keys = InMemoryApiKeyStore()
        await keys.save(issued.record)
        app = bootstrap(
            keys=keys,
            raw=FakeRawObjectStore(),
            publisher=FakeEventPublisher(),
            idempotency=InMemoryIdempotencyStore(),
            settings=IngestSettings(max_body_bytes=64 * 1024, rate_limit_per_second=1e6),
        )
        app.add_routes(health_routes({}))
        return app

    with ThreadedHttpServer(build, **SERVER_OPTIONS) as server:
        yield server.url, issued.secret


def test_schemathesis_finds_no_5xx_and_no_schema_violation(live_ingest: tuple[str, str]) -> None:
    base, key = live_ingest
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
    results = list(schema.get_all_operations())
    operations = [r.ok() for r in results if isinstance(r, Ok)]
    assert len(operations) == len(results)
    # Schemathesis leaves out the document it was loaded from (/openapi.json).
    assert len(operations) == 5
    seen: set[tuple[str, int]] = set()
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=40,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def conforms(case: Any) -> None:
            params = case.path_parameters or {}
            if len(params.get("source_id", "")) % 2:
                # Half the requests target the key's own source, to reach the landing path.
                params["source_id"] = "orders"
            response = case.call(base_url=base, headers={"X-Api-Key": key})
            seen.add((case.operation.label, response.status_code))
            case.validate_response(response, checks=CHECKS)

        conforms()
    statuses = {status for label, status in seen if label.startswith("POST")}
    assert {202, 403} <= statuses  # both the landing path and authorization were reached
