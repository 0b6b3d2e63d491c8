"""Per-source API keys: random, high-entropy, stored only as SHA-256 hashes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from driftgate.runtime import api_keys
from driftgate.runtime.api_keys import hash_key

__all__ = [
    "KEY_PREFIX",
    "ApiKeyRecord",
    "IssuedKey",
    "generate_key",
    "hash_key",
    "hash_matches",
    "key_matches",
]

KEY_PREFIX = "dgk_"


@dataclass(frozen=True)
class ApiKeyRecord:
    key_id: str
    key_hash: str
    source_id: str
    created_at: datetime
    revoked: bool = False


@dataclass(frozen=True)
class IssuedKey:
    """A freshly created key; ``secret`` is shown once and never stored."""

    record: ApiKeyRecord
    secret: str


def generate_key(source_id: str, now: datetime) -> IssuedKey:
    secret = api_keys.new_secret(KEY_PREFIX)
    record = ApiKeyRecord(
        key_id=api_keys.new_key_id("key_"),
        key_hash=hash_key(secret),
        source_id=source_id,
        created_at=now,
    )
    return IssuedKey(record=record, secret=secret)


def key_matches(record: ApiKeyRecord, secret: str) -> bool:
    """Constant-time comparison of a presented key with a stored hash."""
    return api_keys.key_matches(record.key_hash, secret)


def hash_matches(record: ApiKeyRecord, presented_hash: str) -> bool:
    """Constant-time comparison of a presented key's hash (``hash_key``) with the stored one."""
    return api_keys.hash_matches(record.key_hash, presented_hash)
