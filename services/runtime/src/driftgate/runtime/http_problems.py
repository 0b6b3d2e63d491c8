"""RFC 9457 problem+json responses, shared by every HTTP service."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import orjson
from aiohttp import web

PROBLEM_CONTENT_TYPE = "application/problem+json"


class ProblemError(Protocol):
    """What a service error carries to become a problem+json response."""

    status: int
    problem: str
    title: str
    retry_after: int | None


def problem_response(
    *,
    base: str,
    status: int,
    problem: str,
    title: str,
    detail: str,
    correlation_id: str,
    instance: str | None = None,
    retry_after: int | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> web.Response:
    """A problem+json response whose ``type`` is ``base + problem``."""
    body: dict[str, Any] = {
        "type": base + problem,
        "title": title,
        "status": status,
        "detail": detail,
        "correlation_id": correlation_id,
    }
    if extensions:
        body.update(extensions)
    if instance:
        body["instance"] = instance
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return web.Response(
        status=status, body=orjson.dumps(body), content_type=PROBLEM_CONTENT_TYPE, headers=headers
    )


def error_response(
    exc: ProblemError,
    *,
    base: str,
    correlation_id: str,
    instance: str,
    extensions: Mapping[str, Any] | None = None,
) -> web.Response:
    """The problem+json response for a service error; its message becomes the detail."""
    return problem_response(
        base=base,
        status=exc.status,
        problem=exc.problem,
        title=exc.title,
        detail=str(exc),
        correlation_id=correlation_id,
        instance=instance,
        retry_after=exc.retry_after,
        extensions=extensions,
    )
