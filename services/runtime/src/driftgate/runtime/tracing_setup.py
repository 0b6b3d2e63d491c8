"""Tracer provider setup: OTLP when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set, else a JSONL file.

OpenTelemetry allows the global tracer provider to be set once per process, and
``telemetry.tracer()`` always goes through that global. Normally one process is one service,
but ``make run``-style local runs and the end-to-end test run every service in one event loop.
So the design is:

* the **first** ``setup_tracing`` call creates the provider (its resource carries that
  service's ``service.name``) and sets it globally; later calls reuse it, never override it;
* every span gets a ``driftgate.service`` attribute at start, taken from the service bound in
  the current context (``service_context``, bound per task by ``ServiceRunner``), so spans stay
  attributable even when the resource names another service;
* the exporting pipeline sits behind a swappable processor and is reference counted: the last
  ``shutdown_tracing`` flushes and closes it, and the next ``setup_tracing`` installs a fresh
  one (tests in one pytest process can each trace into their own file).
"""

from __future__ import annotations

import threading

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from driftgate.runtime.errors import PermanentError
from driftgate.runtime.service_context import current_service
from driftgate.runtime.settings import RuntimeSettings
from driftgate.runtime.span_file_exporter import SERVICE_ATTRIBUTE, JsonlFileSpanExporter

# Spans reach the local file quickly enough for `driftgate trace` right after a request.
_FILE_SCHEDULE_DELAY_MS = 500


class _ServiceStamp(SpanProcessor):
    def __init__(self, default_service: str) -> None:
        self._default = default_service

    def on_start(self, span: Span, parent_context: otel_context.Context | None = None) -> None:
        span.set_attribute(SERVICE_ATTRIBUTE, current_service() or self._default)


class _SwappablePipeline(SpanProcessor):
    """Forwards to the current exporting processor, which can be replaced after shutdown."""

    def __init__(self) -> None:
        self.delegate: SpanProcessor | None = None

    def on_start(self, span: Span, parent_context: otel_context.Context | None = None) -> None:
        delegate = self.delegate
        if delegate is not None:
            delegate.on_start(span, parent_context)

    def on_end(self, span: ReadableSpan) -> None:
        delegate = self.delegate
        if delegate is not None:
            delegate.on_end(span)

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        delegate = self.delegate
        return delegate.force_flush(timeout_millis) if delegate is not None else True

    def shutdown(self) -> None:
        delegate, self.delegate = self.delegate, None
        if delegate is not None:
            delegate.shutdown()


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.provider: TracerProvider | None = None
        self.pipeline = _SwappablePipeline()
        self.users = 0


_STATE = _State()


def _exporting_processor(settings: RuntimeSettings) -> SpanProcessor:
    endpoint = settings.otel_exporter_otlp_endpoint
    if endpoint:
        # The variable names the collector's base URL; the HTTP exporter wants the traces path.
        url = endpoint.rstrip("/") + "/v1/traces"
        return BatchSpanProcessor(OTLPSpanExporter(endpoint=url))
    return BatchSpanProcessor(
        JsonlFileSpanExporter(settings.trace_file), schedule_delay_millis=_FILE_SCHEDULE_DELAY_MS
    )


def _install_provider(service: str) -> TracerProvider:
    existing = trace.get_tracer_provider()
    if isinstance(existing, TracerProvider):
        # Someone (an auto-instrumentation agent, a test harness) set an SDK provider first.
        provider = existing
    elif isinstance(existing, trace.ProxyTracerProvider):
        provider = TracerProvider(resource=Resource.create({"service.name": service}))
        trace.set_tracer_provider(provider)
    else:
        raise PermanentError(
            f"a non-SDK tracer provider ({type(existing).__name__}) is already installed"
        )
    provider.add_span_processor(_ServiceStamp(service))
    provider.add_span_processor(_STATE.pipeline)
    return provider


def setup_tracing(service: str, settings: RuntimeSettings) -> TracerProvider:
    """Make the process-wide provider export spans; safe to call once per service."""
    with _STATE.lock:
        if _STATE.provider is None:
            _STATE.provider = _install_provider(service)
        if _STATE.users == 0:
            _STATE.pipeline.delegate = _exporting_processor(settings)
        _STATE.users += 1
        return _STATE.provider


def shutdown_tracing(provider: TracerProvider) -> None:
    """Release one ``setup_tracing``; the last release flushes and closes the exporter.

    It may block on the exporter (network for OTLP): from async code call it in a thread.
    """
    with _STATE.lock:
        if provider is not _STATE.provider or _STATE.users == 0:
            return
        _STATE.users -= 1
        if _STATE.users == 0:
            _STATE.pipeline.shutdown()
