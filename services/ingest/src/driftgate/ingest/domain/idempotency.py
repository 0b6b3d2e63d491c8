"""Idempotency records: one per (source, Idempotency-Key), claimed before any byte is written."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum

from driftgate.ingest.errors import InvalidIdempotencyKeyError

IDEMPOTENCY_KEY_RE = re.compile(r"^[\x21-\x7e]{1,255}$")


class ClaimState(StrEnum):
    IN_PROGRESS = "in_progress"
    # The object is in the raw zone but SNS refused the event; a retry announces it (ADR 0007).
    STORED = "stored"
    DONE = "done"


@dataclass(frozen=True)
class Receipt:
    """What a 202 answers; kept so a replay answers the same."""

    ingest_id: str
    location: str
    sha256: str
    size: int


@dataclass(frozen=True)
class IdempotencyRecord:
    scope: str
    token: str
    state: ClaimState
    claimed_at: float
    expires_at: float
    receipt: Receipt | None = None
    event: str | None = None


def idempotency_scope(source_id: str, key: str) -> str:
    """The record id: the key is hashed so a client's choice of key never reaches storage raw."""
    if not IDEMPOTENCY_KEY_RE.fullmatch(key):
        raise InvalidIdempotencyKeyError(
            "Idempotency-Key must be 1-255 visible ASCII characters (a UUID is a good choice)"
        )
    return f"{source_id}#{hashlib.sha256(key.encode()).hexdigest()}"
