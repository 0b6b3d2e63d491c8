"""The status HTTP API (aiohttp.web, see docs/adr/0002): job control and signed callbacks."""

from __future__ import annotations

import logging
from typing import Any

import orjson
from aiohttp import web
from pydantic import BaseModel, ValidationError

from driftgate.runtime.correlation import correlation_id
from driftgate.runtime.http_observe import HEALTH_PATHS, observe_middleware
from driftgate.status.callbacks import CallbackDeps, handle_callback, read_limited
from driftgate.status.entrypoints.api_models import (
    HistoryEntryView,
    HistoryView,
    JobListView,
    JobView,
)
from driftgate.status.entrypoints.openapi import SWAGGER_UI, build_openapi
from driftgate.status.entrypoints.problems import from_error
from driftgate.status.errors import (
    PROBLEM_BASE,
    InvalidRequestError,
    PayloadTooLargeError,
    StatusError,
    UnsupportedMediaTypeError,
)
from driftgate.status.handlers import (
    StatusDeps,
    SubmitJob,
    authenticate,
    get_job,
    job_history,
    list_jobs,
    parse_limit,
    parse_query,
    submit_job,
)

log = logging.getLogger(__name__)

DEPS_KEY = web.AppKey("deps", StatusDeps)
CALLBACK_KEY = web.AppKey("callbacks", CallbackDeps)
MAX_SUBMIT_KEY = web.AppKey("max_submit", int)

observe = observe_middleware(
    StatusError,
    from_error,
    problem_base=PROBLEM_BASE,
    logger=log,
    untraced_paths=HEALTH_PATHS | {"/openapi.json", "/docs"},
)


def _json(
    model: BaseModel,
    status: int = 200,
    headers: dict[str, str] | None = None,
    *,
    exclude_none: bool = True,
) -> web.Response:
    return web.Response(
        status=status,
        body=model.model_dump_json(exclude_none=exclude_none),
        content_type="application/json",
        headers=headers,
    )


async def _read_json_body(request: web.Request, limit: int) -> Any:
    media = request.content_type.lower()
    if media != "application/json":
        raise UnsupportedMediaTypeError(f"content type {media or '(none)'!r}; use application/json")
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLargeError(f"body exceeds the {limit}-byte limit")
    raw = await read_limited(request.content.iter_chunked(64 * 1024), limit)
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidRequestError(f"body is not JSON: {exc}") from exc


async def post_job(request: web.Request) -> web.Response:
    deps = request.app[DEPS_KEY]
    operator = await authenticate(deps.keys, request.headers.get("X-Api-Key"))
    body = await _read_json_body(request, request.app[MAX_SUBMIT_KEY])
    try:
        cmd = SubmitJob.model_validate(body)
    except ValidationError as exc:
        raise InvalidRequestError(f"invalid job submission: {exc}") from exc
    submitted = await submit_job(
        cmd, request.headers.get("Idempotency-Key"), operator, deps, correlation_id()
    )
    headers = {"Location": f"/v1/jobs/{submitted.job.job_id}"}
    if submitted.replayed:
        headers["Idempotent-Replayed"] = "true"
    return _json(JobView.of(submitted.job), 202, headers)


async def get_one(request: web.Request) -> web.Response:
    deps = request.app[DEPS_KEY]
    await authenticate(deps.keys, request.headers.get("X-Api-Key"))
    return _json(JobView.of(await get_job(request.match_info["job_id"], deps)))


async def get_list(request: web.Request) -> web.Response:
    deps = request.app[DEPS_KEY]
    await authenticate(deps.keys, request.headers.get("X-Api-Key"))
    q = request.query
    page = await list_jobs(
        parse_query(q.get("status"), q.get("type")),
        parse_limit(q.get("limit")),
        q.get("cursor") or None,
        deps,
    )
    return _json(JobListView(jobs=[JobView.of(j) for j in page.jobs], next_cursor=page.next_cursor))


async def get_history(request: web.Request) -> web.Response:
    deps = request.app[DEPS_KEY]
    await authenticate(deps.keys, request.headers.get("X-Api-Key"))
    job_id = request.match_info["job_id"]
    entries = await job_history(job_id, deps)
    view = HistoryView(job_id=job_id, entries=[HistoryEntryView.of(e) for e in entries])
    return _json(view, exclude_none=False)


async def post_callback(request: web.Request) -> web.Response:
    callbacks = request.app[CALLBACK_KEY]
    limit = callbacks.max_body_bytes
    # The size limit comes first: nothing unbounded is buffered or hashed for a forger.
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLargeError(f"callback body exceeds the {limit}-byte limit")
    if request.content_length is not None:
        body = await request.read()  # bounded: the length was checked above
    else:
        body = await read_limited(request.content.iter_chunked(16 * 1024), limit)
    applied = await handle_callback(
        request.match_info["job_id"], body, request.headers, callbacks, correlation_id()
    )
    # The hot path: three plain fields, serialised directly (same shape as CallbackResult).
    answer = {"job_id": applied.job_id, "outcome": applied.outcome, "status": applied.status}
    return web.Response(body=orjson.dumps(answer), content_type="application/json")


def create_app(
    deps: StatusDeps, callbacks: CallbackDeps, *, max_submit_bytes: int = 256 * 1024
) -> web.Application:
    # client_max_size is only a backstop: the handlers enforce the real limits while reading.
    app = web.Application(
        middlewares=[observe],
        client_max_size=max(max_submit_bytes, callbacks.max_body_bytes) + 1,
    )
    app[DEPS_KEY] = deps
    app[CALLBACK_KEY] = callbacks
    app[MAX_SUBMIT_KEY] = max_submit_bytes
    openapi = orjson.dumps(build_openapi())

    async def get_openapi(_request: web.Request) -> web.Response:
        return web.Response(body=openapi, content_type="application/json")

    async def get_docs(_request: web.Request) -> web.Response:
        return web.Response(text=SWAGGER_UI, content_type="text/html")

    app.router.add_post("/v1/jobs", post_job)
    app.router.add_get("/v1/jobs", get_list)
    app.router.add_get("/v1/jobs/{job_id}", get_one)
    app.router.add_get("/v1/jobs/{job_id}/history", get_history)
    app.router.add_post("/internal/jobs/{job_id}/status", post_callback)
    app.router.add_get("/openapi.json", get_openapi)
    app.router.add_get("/docs", get_docs)
    return app
