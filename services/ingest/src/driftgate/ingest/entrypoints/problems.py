"""Ingest's problem+json responses: the shared builder bound to ingest's problem types."""

from __future__ import annotations

from aiohttp import web

from driftgate.ingest.errors import PROBLEM_BASE, IngestError
from driftgate.runtime import http_problems
from driftgate.runtime.http_problems import PROBLEM_CONTENT_TYPE

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
    )


def from_error(exc: IngestError, correlation_id: str, instance: str) -> web.Response:
    return http_problems.error_response(
        exc, base=PROBLEM_BASE, correlation_id=correlation_id, instance=instance
    )
