"""The ingest HTTP API (aiohttp.web, see docs/adr/0002)."""

from __future__ import annotations

import logging

import orjson
from aiohttp import web

from driftgate.ingest.entrypoints.docs_page import docs_asset, docs_page
from driftgate.ingest.entrypoints.openapi import PAYLOADS_PATH, build_openapi
from driftgate.ingest.entrypoints.problems import from_error
from driftgate.ingest.errors import PROBLEM_BASE, IngestError
from driftgate.ingest.handlers import IngestDeps, LandPayload, land_payload
from driftgate.runtime.correlation import correlation_id
from driftgate.runtime.http_observe import observe_middleware

log = logging.getLogger(__name__)

DEPS_KEY = web.AppKey("deps", IngestDeps)
CHUNK_KEY = web.AppKey("chunk", int)
OPENAPI_KEY = web.AppKey("openapi", bytes)
# Bodies reach the handler as sent: it decodes gzip itself, to check the framing and the size.
SERVER_OPTIONS = {"auto_decompress": False}

observe = observe_middleware(IngestError, from_error, problem_base=PROBLEM_BASE, logger=log)


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
