"""The CloudEvents envelope: naming, attribute validation, serialisation, round trips."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from driftgate.contracts import BY_TYPE, EVENT_MODELS, CloudEvent, parse_event
from driftgate.contracts.events import AlertRaisedV1, PayloadLandedV1, Severity
from driftgate.contracts.events.payload import SOURCE_ID_PATTERN

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def landed(**overrides: Any) -> PayloadLandedV1:
    fields: dict[str, Any] = {
        "ingest_id": "01JPAK3V5D8Q2T7X9N4M6R1B0C",
        "source_id": "orders-eu",
        "bucket": "driftgate-local-raw",
        "key": "raw/source=orders-eu/date=2026-03-14/01JPAK3V5D8Q2T7X9N4M6R1B0C.json",
        "content_type": "application/json",
        "size_bytes": 1843,
        "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "received_at": datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC),
    }
    fields.update(overrides)
    return PayloadLandedV1(**fields)


def envelope_dict(**overrides: Any) -> dict[str, Any]:
    raw = CloudEvent.wrap(landed(), source="/driftgate/ingest", traceparent=TRACEPARENT).to_dict()
    raw.update(overrides)
    return raw


def test_type_names_carry_the_major_version() -> None:
    assert PayloadLandedV1.event_type() == "driftgate.payload.landed.v1"
    assert AlertRaisedV1.event_type() == "driftgate.alert.raised.v1"
    for event_type, model in BY_TYPE.items():
        assert re.fullmatch(r"driftgate\.[a-z0-9_.]+\.v[0-9]+", event_type)
        assert event_type.endswith(f".v{model.event_version}")
        assert model.dataschema_uri().endswith(f"/{model.schema_id()}.json")
    assert len(BY_TYPE) == len(EVENT_MODELS), "two models claim the same event type"


def test_attribute_names_are_valid_cloudevents_names() -> None:
    # CloudEvents 1.0: lower-case ASCII letters and digits only, so every SDK and binding
    # (HTTP headers, Kafka, AMQP) can carry them.
    for name in CloudEvent.model_fields:
        if name != "data":
            assert re.fullmatch(r"[a-z0-9]{1,20}", name), name


def test_wrap_derives_type_and_dataschema_from_the_data_model() -> None:
    first = CloudEvent.wrap(landed(), source="/driftgate/ingest", subject="orders-eu")
    second = CloudEvent.wrap(landed(), source="/driftgate/ingest")

    assert first.type == "driftgate.payload.landed.v1"
    assert first.dataschema == "https://schemas.driftgate.dev/events/payload.landed.v1.json"
    assert first.specversion == "1.0"
    assert first.time.tzinfo is not None
    assert first.id != second.id


def test_naive_time_is_rejected() -> None:
    with pytest.raises(ValidationError, match="timezone-aware"):
        CloudEvent[PayloadLandedV1].model_validate(envelope_dict(time="2026-03-14T09:26:53"))
    with pytest.raises(ValidationError, match="timezone-aware"):
        CloudEvent[PayloadLandedV1].model_validate(
            envelope_dict(time=datetime(2026, 3, 14, 9, 26, 53))
        )


def test_time_with_an_offset_is_accepted() -> None:
    event = CloudEvent[PayloadLandedV1].model_validate(
        envelope_dict(time="2026-03-14T10:26:53+01:00")
    )
    assert event.time == datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC)


@pytest.mark.parametrize(
    "traceparent",
    [
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01",  # upper case
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",  # no flags
        "00-4bf92f3577b34da6-00f067aa0ba902b7-01",  # short trace id
        "0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        "",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  # forbidden version
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  # all-zero trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  # all-zero span id
    ],
)
def test_bad_traceparent_is_rejected(traceparent: str) -> None:
    with pytest.raises(ValidationError, match="traceparent"):
        CloudEvent[PayloadLandedV1].model_validate(envelope_dict(traceparent=traceparent))


def test_unknown_extension_attributes_are_kept_and_forwarded() -> None:
    event = CloudEvent[PayloadLandedV1].model_validate(envelope_dict(region="eu-west-1"))
    assert event.to_dict()["region"] == "eu-west-1"


def test_unknown_data_fields_are_ignored_by_tolerant_readers() -> None:
    raw = envelope_dict()
    raw["data"] = {**raw["data"], "shard": 7}
    event = CloudEvent[PayloadLandedV1].model_validate(raw)
    assert "shard" not in event.data.model_dump()
    assert event.data.source_id == raw["data"]["source_id"]


def test_type_must_match_the_data_model() -> None:
    with pytest.raises(ValidationError, match="does not match its data model"):
        CloudEvent[PayloadLandedV1].model_validate(envelope_dict(type="driftgate.alert.raised.v1"))


def test_type_without_a_major_version_is_rejected() -> None:
    with pytest.raises(ValidationError, match="type"):
        CloudEvent[PayloadLandedV1].model_validate(envelope_dict(type="driftgate.payload.landed"))


def test_to_json_excludes_unset_optional_attributes() -> None:
    bare = orjson.loads(CloudEvent.wrap(landed(), source="/driftgate/ingest").to_json())
    traced = orjson.loads(
        CloudEvent.wrap(
            landed(), source="/driftgate/ingest", subject="orders-eu", traceparent=TRACEPARENT
        ).to_json()
    )

    for name in ("subject", "traceparent", "tracestate", "correlationid"):
        assert name not in bare
    assert None not in bare.values()
    assert traced["subject"] == "orders-eu"
    assert traced["traceparent"] == TRACEPARENT
    assert set(bare) == {
        "specversion",
        "id",
        "source",
        "type",
        "time",
        "datacontenttype",
        "dataschema",
        "data",
    }


def test_with_trace_replaces_only_the_trace_attributes() -> None:
    event = CloudEvent.wrap(landed(), source="/driftgate/ingest", correlationid="req-1")
    traced = event.with_trace(TRACEPARENT, "vendor=1")

    assert (traced.traceparent, traced.tracestate) == (TRACEPARENT, "vendor=1")
    assert traced.model_copy(update={"traceparent": None, "tracestate": None}) == event
    assert event.traceparent is None


def test_filter_attributes_expose_source_and_severity() -> None:
    alert = AlertRaisedV1(
        alert_id="a-1",
        kind="schema_drift",
        severity=Severity.CRITICAL,
        source_id="orders-eu",
        title="drift",
        detail="field removed",
        caused_by_event_id="e-1",
        dedup_key="schema_drift:orders-eu:2",
        raised_at=datetime(2026, 3, 14, tzinfo=UTC),
    )
    assert alert.filter_attributes() == {"source_id": "orders-eu", "severity": "critical"}
    assert landed().filter_attributes() == {"source_id": "orders-eu"}


_TIMEZONES = st.sampled_from(
    [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=8))]
)
_TEXT = st.text(min_size=1, max_size=80)


@st.composite
def payload_landed(draw: st.DrawFn) -> PayloadLandedV1:
    return PayloadLandedV1(
        ingest_id=draw(st.text(min_size=1, max_size=64)),
        source_id=draw(st.from_regex(SOURCE_ID_PATTERN, fullmatch=True)),
        bucket=draw(st.text(min_size=3, max_size=63)),
        key=draw(st.text(min_size=1, max_size=1024)),
        content_type=draw(st.text(max_size=80)),
        # JSON integers beyond 64 bits cannot be written by orjson (see report on size_bytes).
        size_bytes=draw(st.integers(min_value=0, max_value=2**63 - 1)),
        sha256=draw(st.from_regex(r"[0-9a-f]{64}", fullmatch=True)),
        received_at=draw(
            st.datetimes(
                min_value=datetime(1970, 1, 2),
                max_value=datetime(2200, 1, 1),
                timezones=_TIMEZONES,
            )
        ),
    )


@given(
    data=payload_landed(),
    subject=st.none() | _TEXT,
    correlationid=st.none() | st.text(min_size=1, max_size=128),
    traceparent=st.none()
    | st.from_regex(r"00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]", fullmatch=True).filter(
        # W3C forbids all-zero trace and span ids; the envelope rejects them (tested above).
        lambda tp: tp[3:35] != "0" * 32 and tp[36:52] != "0" * 16
    ),
)
def test_wrap_to_json_parse_event_round_trips(
    data: PayloadLandedV1, subject: str | None, correlationid: str | None, traceparent: str | None
) -> None:
    event = CloudEvent.wrap(
        data,
        source="/driftgate/ingest",
        subject=subject,
        correlationid=correlationid,
        traceparent=traceparent,
    )

    parsed = parse_event(event.to_json())

    assert parsed == event
    assert isinstance(parsed.data, PayloadLandedV1)
    assert parsed.to_json() == event.to_json()
