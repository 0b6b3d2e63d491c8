"""The observe middleware every HTTP service puts first: correlation id, SERVER span, problems.

One request gets a correlation id (the caller's when well-formed), a SERVER span continuing the
caller's W3C trace, and every failure becomes problem+json: the service's own error tree through
its ``to_response``, aiohttp's 404/405 as ``http-<status>``, anything else as a 500 that logs.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Collection
from typing import TypeVar, cast

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import (
    INVALID_SPAN_CONTEXT,
    Span,
    SpanKind,
    Status,
    StatusCode,
    format_span_id,
    format_trace_id,
)

from driftgate.runtime import telemetry
from driftgate.runtime.correlation import reset_correlation_id, set_correlation_id
from driftgate.runtime.http_problems import ProblemError, problem_response

CORRELATION_HEADER = "X-Correlation-ID"
_CORRELATION_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# Probes hit these every few seconds; tracing them would bury the real traces.
HEALTH_PATHS = frozenset({"/healthz", "/readyz"})
INTERNAL_DETAIL = "an unexpected error occurred; quote the correlation id when reporting it"
_SPAN_NAME_CACHE = 256

E = TypeVar("E", bound=Exception)


def request_correlation_id(request: web.Request) -> str:
    """The caller's X-Correlation-ID when well-formed, else a fresh one of 32 hex digits."""
    supplied = request.headers.get(CORRELATION_HEADER)
    if supplied is not None and _CORRELATION_RE.fullmatch(supplied):
        return supplied
    return secrets.token_hex(16)  # like uuid4().hex, without building a UUID


def parent_context(request: web.Request) -> Context:
    """The caller's trace context; an empty one (a new trace) when it sent none."""
    if "traceparent" not in request.headers:
        return Context()
    return telemetry.context_from_headers(request.headers)


def traceparent_of(span: Span) -> str | None:
    """The W3C traceparent of ``span``, as the propagator would inject it while it is current."""
    ctx = span.get_span_context()
    if ctx == INVALID_SPAN_CONTEXT:
        return None
    return f"00-{format_trace_id(ctx.trace_id)}-{format_span_id(ctx.span_id)}-{ctx.trace_flags:02x}"


def observe_middleware(
    error_type: type[E],
    to_response: Callable[[E, str, str], web.StreamResponse],
    *,
    problem_base: str,
    logger: logging.Logger,
    untraced_paths: Collection[str] = HEALTH_PATHS,
    traceparent_header: bool = True,
) -> Middleware:
    """The middleware; ``to_response(exc, correlation_id, path)`` renders the service's errors.

    ``error_type`` instances must carry ``status`` and ``problem`` (see ``ProblemError``).
    """
    untraced = frozenset(untraced_paths)
    # Fetched once: a tracer taken before the provider is set delegates to it once it is, and the
    # provider is never replaced (see runtime.tracing_setup), so this is the per-request tracer.
    tracer = telemetry.tracer()
    span_names: dict[tuple[str, object], str] = {}

    def span_name(request: web.Request) -> str:
        route = request.match_info.route.resource
        key = (request.method, route if route is not None else request.path)
        name = span_names.get(key)
        if name is None:
            # Bounded: one entry per route and method (unrouted paths are 404s, named as such).
            name = f"{request.method} {route.canonical if route else 'unrouted'}"
            if len(span_names) < _SPAN_NAME_CACHE:
                span_names[key] = name
        return name

    @web.middleware
    async def observe(request: web.Request, handler: Handler) -> web.StreamResponse:
        """Correlation id, a SERVER span continuing the caller's trace, and problem+json errors."""
        if request.path in untraced:
            return await handler(request)
        cid = request_correlation_id(request)
        # Plain attach/detach rather than ``start_as_current_span`` and ``bind_correlation_id``:
        # their generator-based context managers cost more than the rest of this middleware.
        span = tracer.start_span(
            span_name(request),
            context=parent_context(request),
            kind=SpanKind.SERVER,
            attributes={"http.request.method": request.method, "url.path": request.path},
        )
        cid_token = set_correlation_id(cid)
        span_token = otel_context.attach(trace.set_span_in_context(span))
        try:
            response = await _respond(request, handler, span, cid)
            span.set_attribute("http.response.status_code", response.status)
        except BaseException as exc:  # cancelled: record it as start_as_current_span would
            if span.is_recording():
                span.record_exception(exc)
                span.set_status(Status(StatusCode.ERROR, f"{type(exc).__name__}: {exc}"))
            raise
        finally:
            otel_context.detach(span_token)
            reset_correlation_id(cid_token)
            span.end()
        response.headers[CORRELATION_HEADER] = cid
        if traceparent_header:
            traceparent = traceparent_of(span)
            if traceparent:
                response.headers["traceparent"] = traceparent
        return response

    async def _respond(
        request: web.Request, handler: Handler, span: Span, cid: str
    ) -> web.StreamResponse:
        """The handler's response, or the problem+json response for what it raised."""
        try:
            return await handler(request)
        except error_type as exc:
            described = cast(ProblemError, exc)
            code = StatusCode.ERROR if described.status >= 500 else StatusCode.UNSET
            span.set_status(Status(code))
            logger.info(
                "request rejected",
                extra={"status": described.status, "problem": described.problem},
            )
            return to_response(exc, cid, request.path)
        except web.HTTPException as exc:
            return problem_response(
                base=problem_base,
                status=exc.status,
                problem="http-" + str(exc.status),
                title=exc.reason,
                detail=exc.text or exc.reason,
                correlation_id=cid,
                instance=request.path,
            )
        except Exception:
            logger.exception("unhandled error")
            span.set_status(Status(StatusCode.ERROR))
            return problem_response(
                base=problem_base,
                status=500,
                problem="internal",
                title="Internal error",
                detail=INTERNAL_DETAIL,
                correlation_id=cid,
                instance=request.path,
            )

    return observe
