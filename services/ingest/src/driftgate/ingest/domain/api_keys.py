"""Per-source API keys: random, high-entropy, stored only as SHA-256 hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

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


def hash_key(secret: str) -> str:
    # Keys carry 256 bits of entropy, so a plain SHA-256 is enough; no salt or KDF needed.
    return hashlib.sha256(secret.encode()).hexdigest()


def generate_key(source_id: str, now: datetime) -> IssuedKey:
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    record = ApiKeyRecord(
        key_id="key_" + secrets.token_hex(8),
        key_hash=hash_key(secret),
        source_id=source_id,
        created_at=now,
    )
    return IssuedKey(record=record, secret=secret)


def key_matches(record: ApiKeyRecord, secret: str) -> bool:
    """Constant-time comparison of a presented key with a stored hash."""
    return hash_matches(record, hash_key(secret))


def hash_matches(record: ApiKeyRecord, presented_hash: str) -> bool:
    """Constant-time comparison of a presented key's hash (``hash_key``) with the stored one."""
    return hmac.compare_digest(record.key_hash, presented_hash)
