"""A span exporter that appends finished spans as JSON lines to a local file.

Several services (separate processes under ``make run``) append to the same file, so every
export takes an exclusive ``fcntl`` lock and writes its lines with a single ``write`` call on
an ``O_APPEND`` descriptor: lines from different processes never interleave.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

SERVICE_ATTRIBUTE = "driftgate.service"


def _hex(value: int, width: int) -> str:
    return format(value, f"0{width}x")


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def span_record(span: ReadableSpan) -> dict[str, Any]:
    """The JSON-ready form of one finished span, as written to the trace file."""
    ctx = span.get_span_context()
    attributes = {k: _plain(v) for k, v in (span.attributes or {}).items()}
    resource_service = span.resource.attributes.get("service.name")
    return {
        "trace_id": _hex(ctx.trace_id, 32) if ctx else None,
        "span_id": _hex(ctx.span_id, 16) if ctx else None,
        "parent_span_id": _hex(span.parent.span_id, 16) if span.parent else None,
        "name": span.name,
        "kind": span.kind.name,
        "service": attributes.get(SERVICE_ATTRIBUTE, resource_service),
        "start_ns": span.start_time,
        "end_ns": span.end_time,
        "status": span.status.status_code.name,
        "status_description": span.status.description,
        "attributes": attributes,
        "events": [
            {
                "name": event.name,
                "ts_ns": event.timestamp,
                "attributes": {k: _plain(v) for k, v in (event.attributes or {}).items()},
            }
            for event in span.events
        ],
    }


class JsonlFileSpanExporter(SpanExporter):
    """Appends spans to ``path`` (created with its parent directories on first export)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._closed = False

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        if self._closed:
            return SpanExportResult.FAILURE
        if not spans:
            return SpanExportResult.SUCCESS
        data = "".join(
            json.dumps(span_record(s), default=str, separators=(",", ":")) + "\n" for s in spans
        ).encode()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                try:
                    view = memoryview(data)
                    while view:
                        written = os.write(fd, view)
                        view = view[written:]
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)
        except OSError:
            return SpanExportResult.FAILURE
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        self._closed = True

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        # Every export is written through immediately; nothing is buffered here.
        return True
