"""The ingest HTTP API (aiohttp.web, see docs/adr/0002)."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Awaitable, Callable

import orjson
from aiohttp import web
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

from driftgate.ingest.entrypoints.docs_page import docs_asset, docs_page
from driftgate.ingest.entrypoints.openapi import PAYLOADS_PATH, build_openapi
from driftgate.ingest.entrypoints.problems import from_error, problem_response
from driftgate.ingest.errors import IngestError
from driftgate.ingest.handlers import IngestDeps, LandPayload, land_payload
from driftgate.runtime import telemetry
from driftgate.runtime.correlation import bind_correlation_id, correlation_id

log = logging.getLogger(__name__)

CORRELATION_HEADER = "X-Correlation-ID"
_CORRELATION_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
DEPS_KEY = web.AppKey("deps", IngestDeps)
CHUNK_KEY = web.AppKey("chunk", int)
OPENAPI_KEY = web.AppKey("openapi", bytes)
# Bodies reach the handler as sent: it decodes gzip itself, to check the framing and the size.
SERVER_OPTIONS = {"auto_decompress": False}

# Probes hit these every few seconds; tracing them would bury the payload traces.
_UNTRACED_PATHS = frozenset({"/healthz", "/readyz"})

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# Fetched once: a tracer taken before the provider is set delegates to it once it is, and the
# provider is never replaced (see runtime.tracing_setup), so this is the per-request tracer too.
_TRACER = telemetry.tracer()


def _correlation_id(request: web.Request) -> str:
    supplied = request.headers.get(CORRELATION_HEADER)
    if supplied is not None and _CORRELATION_RE.fullmatch(supplied):
        return supplied
    return secrets.token_hex(16)  # 32 hex digits, like uuid4().hex, without building a UUID


def _parent_context(request: web.Request) -> Context:
    """The caller's trace context; an empty one (a new trace) when it sent none."""
    if "traceparent" not in request.headers:
        return Context()
    return telemetry.context_from_headers(request.headers)


def _traceparent(span: Span) -> str | None:
    """The W3C traceparent of ``span``, as the propagator would inject it while it is current."""
    ctx = span.get_span_context()
    if ctx == INVALID_SPAN_CONTEXT:
        return None
    return f"00-{format_trace_id(ctx.trace_id)}-{format_span_id(ctx.span_id)}-{ctx.trace_flags:02x}"


@web.middleware
async def observe(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Correlation id, a SERVER span continuing the caller's trace, and problem+json errors."""
    if request.path in _UNTRACED_PATHS:
        return await handler(request)
    cid = _correlation_id(request)
    route = request.match_info.route.resource
    name = f"{request.method} {route.canonical if route else request.path}"
    with (
        bind_correlation_id(cid),
        _TRACER.start_as_current_span(
            name,
            context=_parent_context(request),
            kind=SpanKind.SERVER,
            attributes={"http.request.method": request.method, "url.path": request.path},
        ) as span,
    ):
        try:
            response = await handler(request)
        except IngestError as exc:
            span.set_status(Status(StatusCode.ERROR if exc.status >= 500 else StatusCode.UNSET))
            log.info("request rejected", extra={"status": exc.status, "problem": exc.problem})
            response = from_error(exc, cid, request.path)
        except web.HTTPException as exc:
            response = problem_response(
                status=exc.status,
                problem="http-" + str(exc.status),
                title=exc.reason,
                detail=exc.text or exc.reason,
                correlation_id=cid,
                instance=request.path,
            )
        except Exception:
            log.exception("unhandled error")
            span.set_status(Status(StatusCode.ERROR))
            response = problem_response(
                status=500,
                problem="internal",
                title="Internal error",
                detail="an unexpected error occurred; quote the correlation id when reporting it",
                correlation_id=cid,
                instance=request.path,
            )
        span.set_attribute("http.response.status_code", response.status)
        response.headers[CORRELATION_HEADER] = cid
        traceparent = _traceparent(span)
        if traceparent:
            response.headers["traceparent"] = traceparent
        return response


async def post_payload(request: web.Request) -> web.Response:
    deps = request.app[DEPS_KEY]
    chunk = request.app[CHUNK_KEY]
    landing = await land_payload(
        LandPayload(
            source_id=request.match_info["source_id"],
            api_key=request.headers.get("X-Api-Key"),
            content_type=request.headers.get("Content-Type", ""),
            content_encoding=request.headers.get("Content-Encoding"),
            idempotency_key=request.headers.get("Idempotency-Key"),
            body=request.content.iter_chunked(chunk),
            correlation_id=correlation_id(),
        ),
        deps,
    )
    receipt = landing.receipt
    log.info(
        "payload replayed" if landing.replayed else "payload landed",
        extra={"ingest_id": receipt.ingest_id, "size": receipt.size},
    )
    return web.Response(
        status=202,
        body=orjson.dumps(
            {
                "ingest_id": receipt.ingest_id,
                "location": receipt.location,
                "sha256": receipt.sha256,
                "size": receipt.size,
            }
        ),
        content_type="application/json",
        headers={"Idempotent-Replayed": "true"} if landing.replayed else None,
    )


async def openapi_document(request: web.Request) -> web.Response:
    return web.Response(body=request.app[OPENAPI_KEY], content_type="application/json")


def create_app(deps: IngestDeps, *, read_chunk_bytes: int = 256 * 1024) -> web.Application:
    """The payload API, its OpenAPI document and Swagger UI (serve with ``SERVER_OPTIONS``)."""
    # client_max_size is only a backstop: the handler enforces the real limit while streaming.
    app = web.Application(middlewares=[observe], client_max_size=deps.max_body_bytes + 1)
    app[DEPS_KEY] = deps
    app[CHUNK_KEY] = read_chunk_bytes
    app[OPENAPI_KEY] = orjson.dumps(build_openapi())
    app.router.add_post(PAYLOADS_PATH, post_payload)
    app.router.add_get("/openapi.json", openapi_document)
    app.router.add_get("/docs", docs_page)
    app.router.add_get("/docs/assets/{name}", docs_asset)
    return app
