"""Trace propagation through the CloudEvents envelope (distributed-tracing extension).

``traceparent`` is injected on publish and extracted on consume, so one payload is one trace
across every service. Exporter setup lives in ``tracing_setup``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from driftgate.contracts import CloudEvent

_PROPAGATOR = TraceContextTextMapPropagator()
_TRACER_NAME = "driftgate"


def tracer() -> trace.Tracer:
    return trace.get_tracer(_TRACER_NAME)


def current_traceparent() -> tuple[str | None, str | None]:
    """The W3C ``traceparent``/``tracestate`` of the active span, if any.

    Formatted as ``TraceContextTextMapPropagator.inject`` writes them (a test holds it to
    that), without its carrier and setter: this runs for every event published.
    """
    ctx = trace.get_current_span().get_span_context()
    if not ctx.is_valid:
        return None, None
    traceparent = f"00-{ctx.trace_id:032x}-{ctx.span_id:016x}-{ctx.trace_flags:02x}"
    return traceparent, ctx.trace_state.to_header() or None


def inject_into_event(event: CloudEvent[Any]) -> CloudEvent[Any]:
    """Stamp the active trace context onto the envelope (keeps an existing one if no span)."""
    traceparent, tracestate = current_traceparent()
    if traceparent is None:
        return event
    return event.with_trace(traceparent, tracestate)


def context_from_event(event: CloudEvent[Any]) -> otel_context.Context:
    carrier = {"traceparent": event.traceparent or "", "tracestate": event.tracestate or ""}
    return _PROPAGATOR.extract(carrier)


def context_from_headers(headers: Any) -> otel_context.Context:
    """Extract a W3C trace context from HTTP headers (case-insensitive mapping)."""
    carrier = {
        "traceparent": headers.get("traceparent", ""),
        "tracestate": headers.get("tracestate", ""),
    }
    return _PROPAGATOR.extract(carrier)


@contextmanager
def producer_span(name: str, event: CloudEvent[Any], destination: str) -> Iterator[Span]:
    with tracer().start_as_current_span(
        name,
        kind=SpanKind.PRODUCER,
        attributes={
            "messaging.system": "aws_sns",
            "messaging.destination.name": destination,
            "messaging.message.id": event.id,
            "cloudevents.event_type": event.type,
        },
    ) as span:
        yield span


@contextmanager
def consumer_span(name: str, event: CloudEvent[Any], queue: str) -> Iterator[Span]:
    """A CONSUMER span whose parent is the producer's span carried in the envelope."""
    with tracer().start_as_current_span(
        name,
        context=context_from_event(event),
        kind=SpanKind.CONSUMER,
        attributes={
            "messaging.system": "aws_sqs",
            "messaging.destination.name": queue,
            "messaging.message.id": event.id,
            "cloudevents.event_type": event.type,
            "cloudevents.event_source": event.source,
        },
    ) as span:
        yield span


def trace_id_hex(span: Span | None = None) -> str | None:
    ctx = (span or trace.get_current_span()).get_span_context()
    return format(ctx.trace_id, "032x") if ctx.is_valid else None
