"""Status's problem+json responses: the shared builder bound to status's problem types."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from driftgate.runtime import http_problems
from driftgate.runtime.http_problems import PROBLEM_CONTENT_TYPE
from driftgate.status.errors import PROBLEM_BASE, StatusError

__all__ = ["PROBLEM_CONTENT_TYPE", "from_error", "problem_response"]


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
    return http_problems.problem_response(
        base=PROBLEM_BASE,
        status=status,
        problem=problem,
        title=title,
        detail=detail,
        correlation_id=correlation_id,
        instance=instance,
        retry_after=retry_after,
        extensions=extensions,
    )


def from_error(exc: StatusError, correlation_id: str, instance: str) -> web.Response:
    return http_problems.error_response(
        exc,
        base=PROBLEM_BASE,
        correlation_id=correlation_id,
        instance=instance,
        extensions=exc.extensions(),
    )
