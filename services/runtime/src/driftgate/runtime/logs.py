"""Process logging: JSON lines on stderr (or plain text), with trace ids and secrets redacted."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from opentelemetry import trace

from driftgate.runtime.correlation import correlation_id
from driftgate.runtime.redaction import RedactingFilter, extra_keys, redact_text
from driftgate.runtime.service_context import current_service
from driftgate.runtime.settings import RuntimeSettings

_TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(service)s %(name)s: %(message)s%(context)s"


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever ``sys.stderr`` is *now*, so test capture and redirection just work."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        return


def _trace_ids() -> tuple[str | None, str | None]:
    ctx = trace.get_current_span().get_span_context()
    if not ctx.is_valid:
        return None, None
    return format(ctx.trace_id, "032x"), format(ctx.span_id, "016x")


class _ContextFilter(logging.Filter):
    """Stamps service, trace/span id and correlation id on the record at the time of logging.

    This runs in the task that logged, which is the only place the context variables are right.
    """

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = current_service() or self.service
        record.trace_id, record.span_id = _trace_ids()
        record.correlation_id = correlation_id()
        return True


_CONTEXT_KEYS = ("service", "trace_id", "span_id", "correlation_id")


class JsonFormatter(logging.Formatter):
    """One JSON object per record; ``extra=`` fields become top-level keys."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in _CONTEXT_KEYS:
            entry[key] = getattr(record, key, None)
        for key in extra_keys(record):
            if key not in entry:
                entry[key] = record.__dict__[key]
        if record.exc_info:
            entry["exception"] = redact_text(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = redact_text(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """Human-readable lines for local runs; context ids appended when present."""

    def __init__(self) -> None:
        super().__init__(_TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        pairs = {k: getattr(record, k, None) for k in ("trace_id", "correlation_id")}
        pairs.update({k: record.__dict__[k] for k in extra_keys(record) if k not in _CONTEXT_KEYS})
        shown = " ".join(f"{k}={v}" for k, v in pairs.items() if v is not None)
        record.__dict__["context"] = f" [{shown}]" if shown else ""
        text = super().format(record)
        del record.__dict__["context"]
        return redact_text(text) if record.exc_info else text


def configure_logging(service: str, settings: RuntimeSettings) -> None:
    """Install the driftgate handler on the root logger, replacing one installed before."""
    root = logging.getLogger()
    for existing in [h for h in root.handlers if isinstance(h, _StderrHandler)]:
        root.removeHandler(existing)
    handler = _StderrHandler()
    # Redaction runs first so the context filter and formatters only ever see clean values.
    handler.addFilter(RedactingFilter())
    handler.addFilter(_ContextFilter(service))
    handler.setFormatter(JsonFormatter() if settings.log_format == "json" else TextFormatter())
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
