"""Schemathesis against the status /openapi.json, served on loopback by the in-memory harness."""

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import product
from typing import Any

import pytest
import requests
import schemathesis
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from driftgate.contracts.webhook_signing import sign_headers
from driftgate.runtime.health import health_routes
from driftgate.runtime.local.threaded_http import ThreadedHttpServer
from driftgate.status.testing import memory_harness

CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)
CALLBACK = "POST /internal/jobs/{job_id}/status"


@dataclass(frozen=True)
class LiveStatus:
    base: str
    operator_key: str
    secret: str
    job_id: str


class WebhookSigner(requests.auth.AuthBase):
    """Signs the request's final body bytes, the part schemathesis cannot do itself."""

    def __init__(self, secret: str) -> None:
        self.secret = secret

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        raw = request.body
        # schemathesis sends a serialised (str or bytes) body, or none at all.
        body = raw.encode() if isinstance(raw, str) else raw if isinstance(raw, bytes) else b""
        request.headers.update(sign_headers(self.secret, body).as_dict())
        return request


@pytest.fixture(scope="module")
def live_status() -> Iterator[LiveStatus]:
    """The status app on a loopback port, in its own thread and loop (schemathesis is sync)."""
    box: dict[str, Any] = {}

    async def build() -> web.Application:
        h = await memory_harness()
        box["harness"] = h
        app = h.status.app
        app.add_routes(health_routes({}))
        return app

    with ThreadedHttpServer(build) as server:
        h = box["harness"]
        # One known job, so lookups and signed callbacks reach their success paths too.
        submitted = requests.post(
            f"{server.url}/v1/jobs",
            json={"type": "promote", "params": {"table": "orders"}},
            headers={"X-Api-Key": h.operator_key, "Idempotency-Key": "seed"},
            timeout=10,
        )
        assert submitted.status_code == 202, submitted.text
        yield LiveStatus(server.url, h.operator_key, h.secret, submitted.json()["job_id"])


def test_schemathesis_finds_no_5xx_and_no_schema_violation(live_status: LiveStatus) -> None:
    live = live_status
    schema = schemathesis.openapi.from_url(f"{live.base}/openapi.json")
    results = list(schema.get_all_operations())
    operations = [r.ok() for r in results if isinstance(r, Ok)]
    assert len(operations) == len(results)
    assert len(operations) == 5
    signer = WebhookSigner(live.secret)
    seen: set[tuple[str, int]] = set()
    # Callbacks first: the later lookups then validate jobs that have left SUBMITTED.
    ordered = sorted(operations, key=lambda op: op.label != CALLBACK)
    # Negative cases (values outside the documented schemas) found the non-ASCII cursor 500.
    for mode, operation in product(GenerationMode, ordered):

        @given(case=operation.as_strategy(mode))
        @settings(
            max_examples=40,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def conforms(case: Any) -> None:
            params = case.path_parameters or {}
            if "job_id" in params and len(params["job_id"]) % 2:
                # Half the requests target the known job, to reach the success paths.
                params["job_id"] = live.job_id
            extra: dict[str, Any] = {}
            if case.operation.label == CALLBACK:
                # Half the callbacks are signed over the exact bytes sent; the rest keep
                # schemathesis's made-up webhook headers and must be refused with 401.
                if len((case.headers or {}).get("webhook-id", "")) % 2:
                    extra["auth"] = signer
                headers = None
            else:
                headers = {"X-Api-Key": live.operator_key}
            response = case.call(base_url=live.base, headers=headers, **extra)
            seen.add((case.operation.label, response.status_code))
            case.validate_response(response, checks=CHECKS)

        conforms()
    reached = {(label.split(" ")[0], status) for label, status in seen}
    # Submission, lookup, validation and both sides of the signature check were all reached.
    assert {("POST", 202), ("GET", 200), ("GET", 404), ("POST", 400)} <= reached, seen
    callback = {status for label, status in seen if label == CALLBACK}
    assert {200, 401} <= callback, seen
