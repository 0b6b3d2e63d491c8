"""Ingest's errors as problem+json responses, under ingest's problem type base."""

from __future__ import annotations

from aiohttp import web

from driftgate.ingest.errors import PROBLEM_BASE, IngestError
from driftgate.runtime.http_problems import error_response


def from_error(exc: IngestError, correlation_id: str, instance: str) -> web.Response:
    return error_response(exc, base=PROBLEM_BASE, correlation_id=correlation_id, instance=instance)
