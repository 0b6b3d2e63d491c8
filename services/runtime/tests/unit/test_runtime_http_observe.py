"""The shared observe middleware over loopback: correlation ids, error mapping, traceparent."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestServer
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor, TracerProvider
from opentelemetry.trace import SpanKind, StatusCode

from driftgate.runtime.correlation import correlation_id
from driftgate.runtime.http_observe import CORRELATION_HEADER, observe_middleware
from driftgate.runtime.http_problems import error_response

BASE = "https://example.test/problems/"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


class _TeapotError(Exception):
    status, problem, title = 418, "teapot", "I am a teapot"
    retry_after: int | None = None


def _render(exc: _TeapotError, cid: str, path: str) -> web.StreamResponse:
    return error_response(exc, base=BASE, correlation_id=cid, instance=path)


class _Recorder(SpanProcessor):
    """Keeps the spans that end while a test records (added once to the global provider)."""

    def __init__(self) -> None:
        self.spans: list[ReadableSpan] = []
        self.recording = False
        self.added = False

    def on_end(self, span: ReadableSpan) -> None:
        if self.recording:
            self.spans.append(span)


_RECORDER = _Recorder()


@pytest.fixture
def spans() -> Iterator[list[ReadableSpan]]:
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    if not _RECORDER.added:
        provider.add_span_processor(_RECORDER)
        _RECORDER.added = True
    _RECORDER.spans, _RECORDER.recording = [], True
    yield _RECORDER.spans
    _RECORDER.recording = False


async def _ok(_request: web.Request) -> web.Response:
    # What the handler sees while the middleware runs: the bound id and the SERVER span.
    span = trace.get_current_span().get_span_context()
    return web.Response(text="ok", headers={"X-Seen": f"{correlation_id()} {span.span_id:016x}"})


async def _teapot(_request: web.Request) -> web.Response:
    raise _TeapotError("short and stout")


async def _boom(_request: web.Request) -> web.Response:
    raise RuntimeError("secret internals")


async def _serve(traceparent_header: bool) -> TestServer:
    observe = observe_middleware(
        _TeapotError,
        _render,
        problem_base=BASE,
        logger=logging.getLogger("test.observe"),
        traceparent_header=traceparent_header,
    )
    app = web.Application(middlewares=[observe])
    app.router.add_get("/ok", _ok)
    app.router.add_get("/teapot", _teapot)
    app.router.add_get("/boom", _boom)
    app.router.add_get("/healthz", _ok)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    return server


@pytest.fixture
async def base_url() -> AsyncIterator[str]:
    server = await _serve(traceparent_header=True)
    yield str(server.make_url("")).rstrip("/") + "/"
    await server.close()


async def test_keeps_a_well_formed_correlation_id_and_replaces_a_bad_one(base_url: str) -> None:
    async with ClientSession() as s:
        async with s.get(base_url + "ok", headers={CORRELATION_HEADER: "abc-1"}) as resp:
            assert resp.headers[CORRELATION_HEADER] == "abc-1"
        async with s.get(base_url + "ok", headers={CORRELATION_HEADER: "bad id!"}) as resp:
            fresh = resp.headers[CORRELATION_HEADER]
    assert len(fresh) == 32
    int(fresh, 16)


async def test_continues_the_callers_trace_and_leaves_health_untraced(base_url: str) -> None:
    parent = f"00-{TRACE_ID}-00f067aa0ba902b7-01"
    async with ClientSession() as s:
        async with s.get(base_url + "ok", headers={"traceparent": parent}) as resp:
            assert resp.headers["traceparent"].split("-")[1] == TRACE_ID
        async with s.get(base_url + "healthz") as resp:
            assert CORRELATION_HEADER not in resp.headers


async def test_maps_service_errors_404_and_unexpected_errors_to_problems(base_url: str) -> None:
    async with ClientSession() as s:
        async with s.get(base_url + "teapot") as resp:
            assert resp.status == 418
            assert (await resp.json(content_type=None))["type"] == BASE + "teapot"
        async with s.get(base_url + "nowhere") as resp:
            assert resp.status == 404
            assert (await resp.json(content_type=None))["type"] == BASE + "http-404"
        async with s.post(base_url + "ok") as resp:
            assert resp.status == 405
        async with s.get(base_url + "boom") as resp:
            body = await resp.json(content_type=None)
            assert resp.status == 500
            assert body["type"] == BASE + "internal"
            assert "secret internals" not in body["detail"]
            assert body["correlation_id"] == resp.headers[CORRELATION_HEADER]


async def test_traceparent_header_can_be_left_off() -> None:
    server = await _serve(traceparent_header=False)
    try:
        async with ClientSession() as s, s.get(str(server.make_url("ok"))) as resp:
            assert "traceparent" not in resp.headers
            assert CORRELATION_HEADER in resp.headers
    finally:
        await server.close()


async def test_one_server_span_per_request_with_status_and_bound_context(
    base_url: str, spans: list[ReadableSpan]
) -> None:
    async with ClientSession() as s:
        async with s.get(base_url + "ok", headers={CORRELATION_HEADER: "cid-7"}) as resp:
            seen_cid, seen_span = resp.headers["X-Seen"].split()
        for path in ("teapot", "boom", "nowhere/deep/path"):
            async with s.get(base_url + path) as resp:
                await resp.read()
    by_name = {span.name: span for span in spans}
    assert set(by_name) == {"GET /ok", "GET /teapot", "GET /boom", "GET unrouted"}
    ok = by_name["GET /ok"]
    assert ok.kind is SpanKind.SERVER
    assert ok.attributes is not None
    assert ok.attributes["http.response.status_code"] == 200
    assert ok.attributes["url.path"] == "/ok"
    assert seen_cid == "cid-7"
    assert seen_span == f"{ok.context.span_id:016x}"
    assert by_name["GET /teapot"].status.status_code is StatusCode.UNSET
    assert by_name["GET /boom"].status.status_code is StatusCode.ERROR
    assert (by_name["GET unrouted"].attributes or {})["http.response.status_code"] == 404
