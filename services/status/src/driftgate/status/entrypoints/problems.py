"""Status's errors as problem+json responses, with their RFC 9457 extension members."""

from __future__ import annotations

from aiohttp import web

from driftgate.runtime.http_problems import error_response
from driftgate.status.errors import PROBLEM_BASE, StatusError


def from_error(exc: StatusError, correlation_id: str, instance: str) -> web.Response:
    return error_response(
        exc,
        base=PROBLEM_BASE,
        correlation_id=correlation_id,
        instance=instance,
        extensions=exc.extensions(),
    )
