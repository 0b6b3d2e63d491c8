"""Standard Webhooks signing and verification (https://www.standardwebhooks.com), stdlib only.

Workers (the Spark job included) sign job callbacks with this module; the status service
verifies them with it. A signature is ``v1,<base64 HMAC-SHA256(secret, "id.timestamp.body")>``;
the ``webhook-signature`` header may carry several, space separated, which is how a receiver
accepts the old and the new secret during a rotation.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hmac
import secrets
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SECRET_PREFIX = "whsec_"  # noqa: S105  (a format marker, not a secret)
HEADER_ID = "webhook-id"
HEADER_TIMESTAMP = "webhook-timestamp"
HEADER_SIGNATURE = "webhook-signature"
DEFAULT_TOLERANCE_SECONDS = 5 * 60
_MAX_ID_LENGTH = 256


class WebhookVerificationError(Exception):
    """The request is not a validly signed, fresh webhook."""


class WebhookSignatureError(WebhookVerificationError):
    """No presented signature matches any accepted secret."""


class WebhookTimestampError(WebhookVerificationError):
    """The timestamp is missing, malformed or outside the tolerance."""


class WebhookHeadersError(WebhookVerificationError):
    """A required header is missing or malformed."""


def generate_secret(num_bytes: int = 32) -> str:
    """A new random secret in the ``whsec_<base64>`` form."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(num_bytes)).decode()


def secret_key(secret: str | bytes) -> bytes:
    """The raw HMAC key of a ``whsec_`` secret (raw bytes pass through)."""
    key = secret if isinstance(secret, bytes) else _decode_secret(secret)
    if not key:
        raise ValueError("webhook secret may not be empty")
    return key


@functools.lru_cache(maxsize=16)
def _decode_secret(secret: str) -> bytes:
    # Receivers verify every request against the same one or two secrets: decode them once.
    try:
        return base64.b64decode(secret.removeprefix(SECRET_PREFIX) + "==", validate=False)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("webhook secret is not valid base64") from exc


def sign(secret: str | bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``v1,<signature>`` value for one secret."""
    to_sign = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.digest(secret_key(secret), to_sign, "sha256")
    return "v1," + base64.b64encode(digest).decode()


@dataclass(frozen=True)
class SignedHeaders:
    msg_id: str
    timestamp: int
    signature: str

    def as_dict(self) -> dict[str, str]:
        return {
            HEADER_ID: self.msg_id,
            HEADER_TIMESTAMP: str(self.timestamp),
            HEADER_SIGNATURE: self.signature,
        }


def sign_headers(
    secret: str | bytes, body: bytes, *, msg_id: str | None = None, timestamp: int | None = None
) -> SignedHeaders:
    """Headers for a new signed request; a fresh ``msg_` id and the current time by default."""
    msg_id = msg_id or "msg_" + secrets.token_hex(16)
    timestamp = int(time.time()) if timestamp is None else timestamp
    return SignedHeaders(msg_id, timestamp, sign(secret, msg_id, timestamp, body))


def _header(headers: Mapping[str, str], name: str) -> str:
    # Fast path: exact (or case-insensitive multidict) lookup; then any casing in a plain dict.
    direct = headers.get(name)
    if direct is not None:
        return direct
    for key, value in headers.items():
        if key.lower() == name:
            return value
    raise WebhookHeadersError(f"missing {name} header")


def verify(
    secrets_: Iterable[str | bytes],
    body: bytes,
    headers: Mapping[str, str],
    *,
    now: float | None = None,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
) -> SignedHeaders:
    """Check id, timestamp and signature against any of ``secrets_``; return the parsed headers.

    The timestamp is checked before the signature, so a stale replay is rejected however
    it was signed. Comparison is constant-time.
    """
    msg_id = _header(headers, HEADER_ID)
    if not msg_id or len(msg_id) > _MAX_ID_LENGTH:
        raise WebhookHeadersError(f"{HEADER_ID} must be 1-{_MAX_ID_LENGTH} characters")
    raw_ts = _header(headers, HEADER_TIMESTAMP)
    if not raw_ts.isascii() or not raw_ts.isdigit():
        raise WebhookTimestampError(f"{HEADER_TIMESTAMP} must be integer seconds")
    timestamp = int(raw_ts)
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_seconds:
        raise WebhookTimestampError(
            f"{HEADER_TIMESTAMP} is outside the ±{tolerance_seconds}s tolerance"
        )
    presented = _header(headers, HEADER_SIGNATURE)
    candidates: list[bytes] = []
    for part in presented.split(" "):
        version, _, value = part.partition(",")
        if version != "v1" or not value:
            continue
        try:
            candidates.append(base64.b64decode(value, validate=True))
        except (binascii.Error, ValueError):
            continue
    if not candidates:
        raise WebhookSignatureError("no v1 signature presented")
    keys = [secret_key(s) for s in secrets_]
    to_sign = f"{msg_id}.{timestamp}.".encode() + body
    for key in keys:
        # One-shot C digest: no HMAC object per request.
        expected = hmac.digest(key, to_sign, "sha256")
        if any(hmac.compare_digest(expected, c) for c in candidates):
            return SignedHeaders(msg_id, timestamp, presented)
    raise WebhookSignatureError("no signature matches an accepted secret")
