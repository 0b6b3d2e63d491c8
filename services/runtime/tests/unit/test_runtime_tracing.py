"""Tracing: spans land in the JSONL file, one trace crosses an envelope, and renders as a tree."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import (
    NonRecordingSpan,
    SpanContext,
    SpanKind,
    Status,
    StatusCode,
    TraceFlags,
    TraceState,
)
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from driftgate.contracts import CloudEvent, parse_event
from driftgate.contracts.events.payload import PayloadLandedV1
from driftgate.runtime import telemetry
from driftgate.runtime.service_context import bind_service
from driftgate.runtime.settings import RuntimeSettings
from driftgate.runtime.span_file_exporter import JsonlFileSpanExporter
from driftgate.runtime.trace_view import (
    TraceNotFoundError,
    list_traces,
    render_trace,
    trace_command,
)
from driftgate.runtime.tracing_setup import setup_tracing, shutdown_tracing


@pytest.fixture
def trace_file(tmp_path: Path) -> Path:
    return tmp_path / "spans" / "traces.jsonl"


@pytest.fixture
def provider(trace_file: Path) -> Iterator[TracerProvider]:
    provider = setup_tracing("ingest", RuntimeSettings(trace_file=trace_file))
    yield provider
    shutdown_tracing(provider)


def _spans(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _landed() -> CloudEvent[PayloadLandedV1]:
    data = PayloadLandedV1(
        ingest_id="i-1",
        source_id="orders",
        bucket="raw-bucket",
        key="raw/source=orders/date=2024-01-01/i-1.json",
        content_type="application/json",
        size_bytes=12,
        sha256="0" * 64,
        received_at=datetime.now(UTC),
    )
    return CloudEvent.wrap(data, source="/driftgate/ingest")


def test_trace_crosses_the_envelope_as_one_trace(
    provider: TracerProvider, trace_file: Path
) -> None:
    with (
        bind_service("ingest"),
        telemetry.tracer().start_as_current_span(
            "POST /v1/sources/{source_id}/payloads", kind=SpanKind.SERVER
        ) as server,
    ):
        wire = telemetry.inject_into_event(_landed()).to_json()
        with telemetry.producer_span("publish payload.landed.v1", parse_event(wire), "landed"):
            pass
    received = parse_event(wire)
    with (
        bind_service("profiler"),
        telemetry.consumer_span("process", received, "profiler-q"),
        telemetry.tracer().start_as_current_span("infer schema"),
    ):
        pass
    assert provider.force_flush()

    by_name = {s["name"]: s for s in _spans(trace_file)}
    trace_id = format(server.get_span_context().trace_id, "032x")
    assert {s["trace_id"] for s in by_name.values()} == {trace_id}
    root = by_name["POST /v1/sources/{source_id}/payloads"]
    assert root["parent_span_id"] is None
    assert root["kind"] == "SERVER"
    assert by_name["process"]["parent_span_id"] == root["span_id"]
    assert by_name["process"]["kind"] == "CONSUMER"
    assert by_name["process"]["attributes"]["messaging.destination.name"] == "profiler-q"
    assert by_name["infer schema"]["parent_span_id"] == by_name["process"]["span_id"]
    assert by_name["publish payload.landed.v1"]["service"] == "ingest"
    assert by_name["infer schema"]["service"] == "profiler"
    assert by_name["infer schema"]["end_ns"] >= by_name["infer schema"]["start_ns"]

    tree = render_trace(trace_file, trace_id).splitlines()
    assert tree[0].startswith(f"trace {trace_id}  4 spans  ")
    assert tree[1].startswith("└─ ingest  POST /v1/sources/{source_id}/payloads  ")
    assert tree[2].startswith("   ├─ ingest  publish payload.landed.v1  ")
    assert tree[3].startswith("   └─ profiler  process  ")
    assert tree[4].startswith("      └─ profiler  infer schema  ")
    assert all(line.endswith(" ms  UNSET") for line in tree[1:])


def test_orphans_render_at_root_with_status(trace_file: Path) -> None:
    provider = TracerProvider(resource=Resource.create({"service.name": "notifier"}))
    exporter = JsonlFileSpanExporter(trace_file)
    tracer = provider.get_tracer("t")
    remote = trace.SpanContext(
        trace_id=0xABC, span_id=0xDEF, is_remote=True, trace_flags=trace.TraceFlags(1)
    )
    parent_ctx = trace.set_span_in_context(trace.NonRecordingSpan(remote))
    span = tracer.start_span("raise alert", context=parent_ctx)
    span.set_status(Status(StatusCode.ERROR, "sns down"))
    span.end()
    other = tracer.start_span("unrelated")
    other.end()
    exporter.export([span, other])  # type: ignore[list-item]

    text = render_trace(trace_file, format(0xABC, "032x"))
    assert "1 spans" in text
    assert "└─ notifier  raise alert  " in text
    assert text.endswith("ERROR (sns down)  [parent not recorded]")
    assert "unrelated" not in text
    with pytest.raises(TraceNotFoundError):
        render_trace(trace_file, "f" * 32)


def test_list_traces_summarises_newest_first(provider: TracerProvider, trace_file: Path) -> None:
    tracer = telemetry.tracer()
    with tracer.start_as_current_span("first"):
        pass
    with tracer.start_as_current_span("second") as second:
        second.set_status(Status(StatusCode.ERROR))
        with tracer.start_as_current_span("child"):
            pass
    provider.force_flush()
    with trace_file.open("a") as torn:
        torn.write("{torn line\n")

    summaries = list_traces(trace_file, limit=10)
    assert [s.root_name for s in summaries] == ["second", "first"]
    assert summaries[0].span_count == 2
    assert summaries[0].has_error
    assert not summaries[1].has_error
    assert summaries[0].root_service == "ingest"
    assert [s.root_name for s in list_traces(trace_file, limit=1)] == ["second"]


def test_trace_command_prints_tree_or_fails_cleanly(
    provider: TracerProvider, trace_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with telemetry.tracer().start_as_current_span("cli root") as span:
        pass
    provider.force_flush()
    trace_id = format(span.get_span_context().trace_id, "032x")

    assert trace_command([trace_id, "--file", str(trace_file)]) == 0
    assert "└─ ingest  cli root  " in capsys.readouterr().out
    assert trace_command(["0" * 31 + "1", "--file", str(trace_file)]) == 1
    assert "no spans for trace" in capsys.readouterr().err
    assert trace_command(["--file", str(trace_file)]) == 0
    assert trace_id in capsys.readouterr().out


def test_setup_is_idempotent_and_restartable(tmp_path: Path) -> None:
    first = setup_tracing("ingest", RuntimeSettings(trace_file=tmp_path / "a.jsonl"))
    second = setup_tracing("profiler", RuntimeSettings(trace_file=tmp_path / "ignored.jsonl"))
    assert second is first
    assert trace.get_tracer_provider() is first
    with telemetry.tracer().start_as_current_span("while both run"):
        pass
    shutdown_tracing(second)
    with telemetry.tracer().start_as_current_span("after one left"):
        pass
    shutdown_tracing(first)
    shutdown_tracing(first)  # an extra release is harmless
    assert [s["name"] for s in _spans(tmp_path / "a.jsonl")] == ["while both run", "after one left"]
    assert not (tmp_path / "ignored.jsonl").exists()

    again = setup_tracing("ingest", RuntimeSettings(trace_file=tmp_path / "b.jsonl"))
    assert again is first
    with telemetry.tracer().start_as_current_span("next run"):
        pass
    shutdown_tracing(again)
    assert [s["name"] for s in _spans(tmp_path / "b.jsonl")] == ["next run"]


def test_concurrent_writers_never_tear_lines(trace_file: Path) -> None:
    tracer = TracerProvider().get_tracer("t")
    spans = []
    for i in range(50):
        span = tracer.start_span(f"s{i}", attributes={"blob": "x" * 5000})
        span.end()
        spans.append(span)

    def write(exporter: JsonlFileSpanExporter) -> None:
        for span in spans:
            exporter.export([span])  # type: ignore[list-item]

    threads = [
        threading.Thread(target=write, args=(JsonlFileSpanExporter(trace_file),)) for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    records = _spans(trace_file)
    assert len(records) == 200
    assert all(r["attributes"]["blob"] == "x" * 5000 for r in records)


async def test_spans_go_to_otlp_when_endpoint_is_set(tmp_path: Path) -> None:
    received: list[tuple[str, bytes]] = []

    async def collect(request: web.Request) -> web.Response:
        received.append((request.path, await request.read()))
        return web.Response(status=200, content_type="application/x-protobuf", body=b"")

    app = web.Application()
    app.router.add_post("/v1/traces", collect)
    async with TestServer(app, host="127.0.0.1") as server:
        settings = RuntimeSettings(
            trace_file=tmp_path / "unused.jsonl",
            OTEL_EXPORTER_OTLP_ENDPOINT=str(server.make_url("/")),
        )
        provider = setup_tracing("ingest", settings)
        with telemetry.tracer().start_as_current_span("exported over otlp"):
            pass
        # Flushing blocks on HTTP to the collector served by this very loop: use a thread.
        await asyncio.to_thread(shutdown_tracing, provider)

    assert [path for path, _ in received] == ["/v1/traces"]
    assert b"exported over otlp" in received[0][1]
    assert b"ingest" in received[0][1]
    assert not (tmp_path / "unused.jsonl").exists()


@pytest.mark.parametrize("flags", [TraceFlags.DEFAULT, TraceFlags.SAMPLED])
@pytest.mark.parametrize("state", [TraceState(), TraceState([("vendor", "v1"), ("other", "x")])])
def test_current_traceparent_writes_what_the_w3c_propagator_writes(
    flags: TraceFlags, state: TraceState
) -> None:
    span = NonRecordingSpan(
        SpanContext(
            trace_id=0x4BF92F3577B34DA6A3CE929D0E0E4736,
            span_id=0x00F067AA0BA902B7,
            is_remote=False,
            trace_flags=TraceFlags(flags),
            trace_state=state,
        )
    )
    with trace.use_span(span):
        carrier: dict[str, str] = {}
        TraceContextTextMapPropagator().inject(carrier)
        assert telemetry.current_traceparent() == (
            carrier["traceparent"],
            carrier.get("tracestate"),
        )
    assert telemetry.current_traceparent() == (None, None)
