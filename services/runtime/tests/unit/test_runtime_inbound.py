import json
from datetime import UTC, datetime

import pytest

from driftgate.contracts import CloudEvent
from driftgate.contracts.events import PayloadLandedV1
from driftgate.runtime.errors import PermanentError, PoisonMessageError
from driftgate.runtime.inbound import decode_body


def landed_event() -> CloudEvent[PayloadLandedV1]:
    data = PayloadLandedV1(
        ingest_id="ing-1",
        source_id="orders",
        bucket="raw-bucket",
        key="raw/source=orders/date=2024-01-01/ing-1.json",
        content_type="application/json",
        size_bytes=12,
        sha256="a" * 64,
        received_at=datetime(2024, 1, 1, tzinfo=UTC),
    )
    return CloudEvent.wrap(data, source="/driftgate/ingest", subject="orders")


def sns_envelope(message: object) -> str:
    return json.dumps(
        {
            "Type": "Notification",
            "MessageId": "0f2c",
            "TopicArn": "arn:aws:sns:us-east-1:000000000000:driftgate-t-payload-events",
            "Message": message,
            "Timestamp": "2024-01-01T00:00:00.000Z",
        }
    )


def test_raw_delivery_decodes_to_the_typed_event() -> None:
    event = landed_event()
    decoded = decode_body(event.to_json().decode())
    assert decoded == event
    assert isinstance(decoded.data, PayloadLandedV1)


def test_sns_wrapped_delivery_is_unwrapped() -> None:
    event = landed_event()
    decoded = decode_body(sns_envelope(event.to_json().decode()))
    assert decoded.id == event.id
    assert decoded.data == event.data


def test_bytes_body_is_accepted() -> None:
    event = landed_event()
    assert decode_body(event.to_json()).id == event.id


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("not json {", "not JSON"),
        ("[1, 2]", "not a JSON object"),
        (sns_envelope({"type": "x"}), "not a string"),
        (sns_envelope("<xml/>"), "not JSON"),
        (json.dumps({"specversion": "1.0", "type": "driftgate.nope.v9"}), "unknown event type"),
        (json.dumps({"specversion": "1.0"}), "no string 'type'"),
    ],
)
def test_undecodable_bodies_are_poison(body: str, reason: str) -> None:
    with pytest.raises(PoisonMessageError, match=reason):
        decode_body(body)


def test_invalid_data_for_a_known_type_is_poison() -> None:
    obj = landed_event().to_dict()
    obj["data"]["sha256"] = "not-a-hash"
    with pytest.raises(PoisonMessageError, match=r"invalid driftgate\.payload\.landed\.v1"):
        decode_body(json.dumps(obj))


def test_poison_is_a_non_retryable_permanent_error() -> None:
    err = PoisonMessageError("bad")
    assert isinstance(err, PermanentError)
    assert err.retryable is False
