"""The shared problem+json builder: body members, headers and error mapping."""

from __future__ import annotations

import orjson

from driftgate.runtime.http_problems import PROBLEM_CONTENT_TYPE, error_response, problem_response

BASE = "https://example.test/problems/"


class _ThrottledError(Exception):
    status = 429
    problem = "throttled"
    title = "Too many requests"
    retry_after: int | None = 7


def test_problem_body_carries_type_under_base_and_correlation_id() -> None:
    resp = problem_response(
        base=BASE, status=400, problem="bad", title="Bad", detail="why", correlation_id="c1"
    )
    assert resp.status == 400
    assert resp.content_type == PROBLEM_CONTENT_TYPE
    assert "Retry-After" not in resp.headers
    assert isinstance(resp.body, bytes)
    assert orjson.loads(resp.body) == {
        "type": BASE + "bad",
        "title": "Bad",
        "status": 400,
        "detail": "why",
        "correlation_id": "c1",
    }


def test_error_response_maps_error_with_retry_after_instance_and_extensions() -> None:
    resp = error_response(
        _ThrottledError("slow down"),
        base=BASE,
        correlation_id="c2",
        instance="/v1/x",
        extensions={"limit": 5},
    )
    assert resp.status == 429
    assert resp.headers["Retry-After"] == "7"
    assert isinstance(resp.body, bytes)
    body = orjson.loads(resp.body)
    assert body["type"] == BASE + "throttled"
    assert body["detail"] == "slow down"
    assert body["instance"] == "/v1/x"
    assert body["limit"] == 5
