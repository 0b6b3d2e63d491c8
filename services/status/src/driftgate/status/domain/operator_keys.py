"""Operator API keys: random, stored only as SHA-256 hashes, scoped to job control.

Same approach as ingest's source keys (a 256-bit secret needs no salt or KDF), with a distinct
prefix and an explicit scope so a source key can never act as an operator key.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

KEY_PREFIX = "dgo_"
OPERATOR_SCOPE = "operator"


@dataclass(frozen=True)
class OperatorKeyRecord:
    key_id: str
    key_hash: str
    name: str
    created_at: datetime
    scope: str = OPERATOR_SCOPE
    revoked: bool = False


@dataclass(frozen=True)
class IssuedOperatorKey:
    """A freshly created key; ``secret`` is shown once and never stored."""

    record: OperatorKeyRecord
    secret: str


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def generate_operator_key(name: str, now: datetime) -> IssuedOperatorKey:
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    record = OperatorKeyRecord(
        key_id="opk_" + secrets.token_hex(8), key_hash=hash_key(secret), name=name, created_at=now
    )
    return IssuedOperatorKey(record=record, secret=secret)


def key_matches(record: OperatorKeyRecord, secret: str) -> bool:
    """Constant-time comparison of a presented key with a stored hash."""
    return hmac.compare_digest(record.key_hash, hash_key(secret))
