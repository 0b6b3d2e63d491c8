"""Golden samples: valid for our models and, as an external check, for the CloudEvents SDK."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from cloudevents.core.formats.json import JSONFormat

from driftgate.contracts import (
    BY_TYPE,
    CloudEvent,
    InvalidEventError,
    UnknownEventTypeError,
    parse_event,
)

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "samples"
VALID = sorted(SAMPLES_DIR.glob("*.json"))
INVALID = sorted((SAMPLES_DIR / "invalid").glob("*.json"))
EXTENSIONS = ("traceparent", "tracestate", "correlationid")
W3C_TRACEPARENT = r"(?!ff)[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}"


def load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def is_w3c_traceparent(value: str) -> bool:
    """Stricter than the envelope's shape check: W3C forbids version ff and all-zero ids."""
    return re.fullmatch(W3C_TRACEPARENT, value) is not None


def test_samples_exist() -> None:
    assert len(VALID) >= len(BY_TYPE)
    assert len(INVALID) >= 3


def test_every_event_type_has_a_sample() -> None:
    assert {load(path)["type"] for path in VALID} == set(BY_TYPE)


@pytest.mark.parametrize("path", VALID, ids=[p.name for p in VALID])
def test_sample_is_valid_for_our_models(path: Path) -> None:
    raw = load(path)
    event = parse_event(path.read_bytes())

    assert isinstance(event.data, BY_TYPE[raw["type"]])
    assert event.dataschema in (None, type(event.data).dataschema_uri())
    assert path.name.startswith(type(event.data).schema_id() + ".")
    if event.traceparent is not None:
        assert is_w3c_traceparent(event.traceparent)
    # Nothing in the sample is dropped or rewritten; only defaults and time formatting differ.
    dumped = json.loads(event.to_json())
    assert set(dumped) == set(raw) | {"datacontenttype"}
    assert set(dumped["data"]) >= set(raw["data"])
    for name, value in raw.items():
        if name not in ("time", "data"):
            assert dumped[name] == value, name
    assert event == parse_event(event.to_json())


@pytest.mark.parametrize("path", VALID, ids=[p.name for p in VALID])
def test_sample_is_parsed_by_the_cloudevents_sdk(path: Path) -> None:
    raw = load(path)
    sdk_event = JSONFormat().read(None, path.read_bytes())

    assert sdk_event.get_specversion() == "1.0"
    assert sdk_event.get_id() == raw["id"]
    assert sdk_event.get_type() == raw["type"]
    assert sdk_event.get_source() == raw["source"]
    assert sdk_event.get_subject() == raw.get("subject")
    assert sdk_event.get_dataschema() == raw.get("dataschema")
    for name in EXTENSIONS:
        assert sdk_event.get_extension(name) == raw.get(name)
    assert sdk_event.get_time() == parse_event(raw).time
    assert sdk_event.get_data() == raw["data"]


@pytest.mark.parametrize("path", VALID, ids=[p.name for p in VALID])
def test_round_trip_through_the_sdk_is_lossless(path: Path) -> None:
    ours = parse_event(path.read_bytes())

    sdk_event = JSONFormat().read(None, ours.to_json())
    back = parse_event(JSONFormat().write(sdk_event))

    assert back == ours
    assert type(back) is type(ours)
    for name in EXTENSIONS:
        assert getattr(back, name) == sdk_event.get_extension(name) == getattr(ours, name)


def test_events_built_by_wrap_are_parsed_by_the_sdk() -> None:
    sample = parse_event((SAMPLES_DIR / "alert.raised.v1.json").read_bytes())
    event = CloudEvent.wrap(
        sample.data,
        source="/driftgate/notifier",
        traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        tracestate="driftgate=notifier",
    )

    sdk_event = JSONFormat().read(None, event.to_json())

    assert sdk_event.get_id() == event.id
    assert sdk_event.get_type() == "driftgate.alert.raised.v1"
    assert sdk_event.get_extension("traceparent") == event.traceparent
    assert sdk_event.get_extension("tracestate") == "driftgate=notifier"
    assert sdk_event.get_time() == event.time


@pytest.mark.parametrize("path", INVALID, ids=[p.name for p in INVALID])
def test_invalid_sample_is_rejected(path: Path) -> None:
    expected = UnknownEventTypeError if path.name.startswith("unknown-type") else InvalidEventError
    with pytest.raises(expected):
        parse_event(path.read_bytes())


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{not json", "not JSON"),
        (b"[1, 2]", "JSON object"),
        (b'{"type": 7}', "string 'type'"),
    ],
)
def test_malformed_input_is_rejected_with_a_clear_error(raw: bytes, message: str) -> None:
    with pytest.raises(InvalidEventError, match=message):
        parse_event(raw)


TOLERATED = sorted((SAMPLES_DIR / "tolerated").glob("*.json"))


def test_there_are_tolerated_samples() -> None:
    assert len(TOLERATED) >= 2


@pytest.mark.parametrize("path", TOLERATED, ids=lambda p: p.stem)
def test_events_from_newer_producers_are_still_read(path: Path) -> None:
    """A newer minor producer may add optional fields or extensions; old readers go on."""
    raw = json.loads(path.read_bytes())
    event = parse_event(path.read_bytes())
    assert event.id == raw["id"]
    assert event.data.source_id == raw["data"]["source_id"]
