"""Ingest ids are ULIDs: unique, URL- and key-safe, and sortable by arrival time."""

from __future__ import annotations

import secrets
from datetime import datetime

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Two base32 digits per 10-bit step: 13 table lookups instead of 26 shifts and appends.
_PAIRS = [high + low for high in _CROCKFORD for low in _CROCKFORD]


def new_ingest_id(now: datetime) -> str:
    """A 26-character ULID: 48 bits of milliseconds then 80 random bits, Crockford base32."""
    value = (int(now.timestamp() * 1000) << 80) | secrets.randbits(80)
    return "".join([_PAIRS[(value >> shift) & 1023] for shift in range(120, -1, -10)])
