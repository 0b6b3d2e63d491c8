"""Standard Webhooks signing: our pure-Python code against the reference ``standardwebhooks``."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from driftgate.contracts.webhook_signing import (
    HEADER_SIGNATURE,
    WebhookHeadersError,
    WebhookSignatureError,
    WebhookTimestampError,
    generate_secret,
    sign,
    sign_headers,
    verify,
)

BODY = b'{"status":"RUNNING","occurred_at":"2026-03-14T09:30:00Z"}'
NOW = 1_773_480_600


def test_our_signature_verifies_with_the_reference_library() -> None:
    secret = generate_secret()
    headers = sign_headers(secret, BODY).as_dict()

    assert Webhook(secret).verify(BODY, headers) == {
        "status": "RUNNING",
        "occurred_at": "2026-03-14T09:30:00Z",
    }


def test_reference_signature_verifies_with_ours() -> None:
    secret = generate_secret()
    now = datetime.now(UTC)
    signature = Webhook(secret).sign("msg_ref_1", now, BODY.decode())
    headers = {
        "webhook-id": "msg_ref_1",
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }

    parsed = verify([secret], BODY, headers)

    assert parsed.msg_id == "msg_ref_1"
    assert sign(secret, "msg_ref_1", int(now.timestamp()), BODY) == signature


def test_the_reference_library_rejects_our_signature_with_another_secret() -> None:
    headers = sign_headers(generate_secret(), BODY).as_dict()
    with pytest.raises(WebhookVerificationError):
        Webhook(generate_secret()).verify(BODY, headers)


def test_tampered_body_is_rejected() -> None:
    secret = generate_secret()
    headers = sign_headers(secret, BODY, timestamp=NOW).as_dict()
    with pytest.raises(WebhookSignatureError):
        verify([secret], BODY.replace(b"RUNNING", b"SUCCEEDED"), headers, now=NOW)


def test_either_of_two_secrets_is_accepted_during_rotation() -> None:
    old, new = generate_secret(), generate_secret()
    for signer in (old, new):
        headers = sign_headers(signer, BODY, timestamp=NOW).as_dict()
        assert verify([new, old], BODY, headers, now=NOW).timestamp == NOW
    stranger = sign_headers(generate_secret(), BODY, timestamp=NOW).as_dict()
    with pytest.raises(WebhookSignatureError):
        verify([new, old], BODY, stranger, now=NOW)


def test_several_signatures_in_one_header_any_may_match() -> None:
    secret = generate_secret()
    good = sign(secret, "msg_1", NOW, BODY)
    bogus = "v1," + base64.b64encode(b"x" * 32).decode()
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(NOW),
        HEADER_SIGNATURE: f"v2,abc {bogus} {good}",
    }
    assert verify([secret], BODY, headers, now=NOW).msg_id == "msg_1"


@pytest.mark.parametrize("skew", [-301, 301, -3600])
def test_timestamp_outside_five_minutes_is_rejected(skew: int) -> None:
    secret = generate_secret()
    headers = sign_headers(secret, BODY, timestamp=NOW + skew).as_dict()
    with pytest.raises(WebhookTimestampError):
        verify([secret], BODY, headers, now=NOW)


@pytest.mark.parametrize("skew", [-300, 0, 300])
def test_timestamp_inside_the_tolerance_is_accepted(skew: int) -> None:
    secret = generate_secret()
    headers = sign_headers(secret, BODY, timestamp=NOW + skew).as_dict()
    assert verify([secret], BODY, headers, now=NOW).timestamp == NOW + skew


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_missing_headers_are_rejected(missing: str) -> None:
    secret = generate_secret()
    headers = sign_headers(secret, BODY, timestamp=NOW).as_dict()
    del headers[missing]
    with pytest.raises((WebhookHeadersError, WebhookTimestampError, WebhookSignatureError)):
        verify([secret], BODY, headers, now=NOW)


@pytest.mark.parametrize("value", ["soon", "1.5e9", "-5", ""])
def test_malformed_timestamp_is_rejected(value: str) -> None:
    secret = generate_secret()
    headers = sign_headers(secret, BODY, timestamp=NOW).as_dict()
    headers["webhook-timestamp"] = value
    with pytest.raises(WebhookTimestampError):
        verify([secret], BODY, headers, now=NOW)


def test_header_names_are_case_insensitive() -> None:
    secret = generate_secret()
    headers = {k.upper(): v for k, v in sign_headers(secret, BODY, timestamp=NOW).as_dict().items()}
    assert verify([secret], BODY, headers, now=NOW).timestamp == NOW


def test_garbage_signature_values_are_rejected_not_crashing() -> None:
    secret = generate_secret()
    headers = sign_headers(secret, BODY, timestamp=NOW).as_dict()
    headers[HEADER_SIGNATURE] = "v1,!!!not-base64 v1, nonsense"
    with pytest.raises(WebhookSignatureError):
        verify([secret], BODY, headers, now=NOW)
