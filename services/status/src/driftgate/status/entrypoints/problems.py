"""RFC 9457 problem+json responses."""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

from driftgate.status.errors import PROBLEM_BASE, StatusError

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_response(
    *,
    status: int,
    problem: str,
    title: str,
    detail: str,
    correlation_id: str,
    instance: str | None = None,
    retry_after: int | None = None,
    extensions: dict[str, Any] | None = None,
) -> web.Response:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + problem,
        "title": title,
        "status": status,
        "detail": detail,
        "correlation_id": correlation_id,
        **(extensions or {}),
    }
    if instance:
        body["instance"] = instance
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return web.Response(
        status=status, body=orjson.dumps(body), content_type=PROBLEM_CONTENT_TYPE, headers=headers
    )


def from_error(exc: StatusError, correlation_id: str, instance: str) -> web.Response:
    return problem_response(
        status=exc.status,
        problem=exc.problem,
        title=exc.title,
        detail=str(exc),
        correlation_id=correlation_id,
        instance=instance,
        retry_after=exc.retry_after,
        extensions=exc.extensions(),
    )
