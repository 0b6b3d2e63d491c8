"""Operator API keys: random, stored only as SHA-256 hashes, scoped to job control.

Same approach as ingest's source keys (driftgate.runtime.api_keys), with a distinct prefix and
an explicit scope so a source key can never act as an operator key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from driftgate.runtime import api_keys
from driftgate.runtime.api_keys import hash_key

__all__ = [
    "KEY_PREFIX",
    "OPERATOR_SCOPE",
    "IssuedOperatorKey",
    "OperatorKeyRecord",
    "generate_operator_key",
    "hash_key",
    "key_matches",
]

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


def generate_operator_key(name: str, now: datetime) -> IssuedOperatorKey:
    secret = api_keys.new_secret(KEY_PREFIX)
    record = OperatorKeyRecord(
        key_id=api_keys.new_key_id("opk_"), key_hash=hash_key(secret), name=name, created_at=now
    )
    return IssuedOperatorKey(record=record, secret=secret)


def key_matches(record: OperatorKeyRecord, secret: str) -> bool:
    """Constant-time comparison of a presented key with a stored hash."""
    return api_keys.key_matches(record.key_hash, secret)
