"""JSON logs: context ids on every record, secrets redacted, idempotent configuration."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider

from driftgate.runtime.correlation import bind_correlation_id, correlation_id
from driftgate.runtime.logs import configure_logging
from driftgate.runtime.redaction import MASK, redact_text, redact_value
from driftgate.runtime.service_context import bind_service
from driftgate.runtime.settings import RuntimeSettings

DGK = "dgk_Zm9vYmFyYmF6cXV4LXF1dXhfMTIzNDU2"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


@pytest.fixture
def restore_root() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _records(err: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in err.splitlines() if line.startswith("{")]


@pytest.mark.usefixtures("restore_root")
def test_json_record_carries_context_and_extra_fields(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("ingest", RuntimeSettings(log_level="DEBUG"))
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("work") as span, bind_correlation_id("corr-1"):
        logging.getLogger("driftgate.test").info("landed %s", "p1", extra={"source_id": "s1"})
    ctx = span.get_span_context()

    (record,) = _records(capsys.readouterr().err)
    assert record["message"] == "landed p1"
    assert record["level"] == "INFO"
    assert record["logger"] == "driftgate.test"
    assert record["service"] == "ingest"
    assert record["trace_id"] == format(ctx.trace_id, "032x")
    assert record["span_id"] == format(ctx.span_id, "016x")
    assert record["correlation_id"] == "corr-1"
    assert record["source_id"] == "s1"
    assert record["ts"].endswith("+00:00")


@pytest.mark.usefixtures("restore_root")
def test_without_span_or_correlation_ids_are_null(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("profiler", RuntimeSettings())
    logging.getLogger("x").warning("plain")
    (record,) = _records(capsys.readouterr().err)
    assert record["trace_id"] is None
    assert record["span_id"] is None
    assert record["correlation_id"] is None
    assert correlation_id() is None


@pytest.mark.usefixtures("restore_root")
def test_bound_service_overrides_configured_one(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("ingest", RuntimeSettings())
    with bind_service("notifier"):
        logging.getLogger("x").warning("from notifier")
    logging.getLogger("x").warning("from ingest")
    services = [r["service"] for r in _records(capsys.readouterr().err)]
    assert services == ["notifier", "ingest"]


@pytest.mark.usefixtures("restore_root")
def test_secrets_are_redacted_in_extras_and_messages(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("ingest", RuntimeSettings())
    logging.getLogger("x").info(
        "key %s and secret %s, Authorization: Bearer abc.def",
        DGK,
        AWS_SECRET,
        extra={
            "headers": {"X-Api-Key": "plain-value", "Content-Type": "application/json"},
            "Password": "hunter2",
            "nested": {"deep": {"aws_secret_access_key": "x", "note": f"k={DGK}"}},
        },
    )
    err = capsys.readouterr().err
    (record,) = _records(err)
    assert DGK not in err
    assert AWS_SECRET not in err
    assert "hunter2" not in err
    assert "abc.def" not in err
    assert record["message"] == f"key {MASK} and secret {MASK}, Authorization: {MASK}"
    assert record["headers"] == {"X-Api-Key": MASK, "Content-Type": "application/json"}
    assert record["Password"] == MASK
    assert record["nested"] == {"deep": {"aws_secret_access_key": MASK, "note": f"k={MASK}"}}


@pytest.mark.usefixtures("restore_root")
def test_exception_text_is_logged_and_redacted(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("ingest", RuntimeSettings())
    try:
        int(f"bad key {DGK}")
    except ValueError:
        logging.getLogger("x").exception("failed")
    (record,) = _records(capsys.readouterr().err)
    assert "ValueError: invalid literal" in record["exception"]
    assert "'bad key ***'" in record["exception"]
    assert DGK not in record["exception"]


@pytest.mark.usefixtures("restore_root")
def test_configure_twice_keeps_one_handler(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("ingest", RuntimeSettings())
    configure_logging("ingest", RuntimeSettings(log_level="debug"))
    logging.getLogger("x").debug("once")
    assert len(_records(capsys.readouterr().err)) == 1
    assert logging.getLogger().level == logging.DEBUG


@pytest.mark.usefixtures("restore_root")
def test_text_format_is_plain_and_redacted(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("ingest", RuntimeSettings(log_format="text"))
    with bind_correlation_id("c-9"):
        logging.getLogger("x").info("using %s", DGK, extra={"token": "t0ps3cret"})
    err = capsys.readouterr().err
    assert not err.startswith("{")
    assert "ingest x: using ***" in err
    assert "correlation_id=c-9" in err
    assert "token=***" in err
    assert "t0ps3cret" not in err


def test_redaction_keeps_harmless_values() -> None:
    digest = "3f786850e387550fdab836ed7e6dc881de23001b"
    assert redact_text(f"commit {digest}") == f"commit {digest}"
    assert redact_text("AKIAIOSFODNN7EXAMPLE used") == f"{MASK} used"
    assert redact_value({"count": 3, "items": [{"secret": 1}, "ok"]}) == {
        "count": 3,
        "items": [{"secret": MASK}, "ok"],
    }


def test_bind_correlation_id_generates_and_restores() -> None:
    with bind_correlation_id() as outer:
        assert correlation_id() == outer
        with bind_correlation_id("inner"):
            assert correlation_id() == "inner"
        assert correlation_id() == outer
    assert correlation_id() is None
