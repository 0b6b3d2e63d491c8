"""Ingest ids are ULIDs: unique, URL- and key-safe, and sortable by arrival time."""

from __future__ import annotations

import base64
import secrets
from datetime import datetime

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# base32 with the RFC 4648 alphabet, then mapped to Crockford's: one C call instead of 26 steps.
_TO_CROCKFORD = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", _CROCKFORD.encode())


def new_ingest_id(now: datetime) -> str:
    """A 26-character ULID: 48 bits of milliseconds then 80 random bits, Crockford base32."""
    value = (int(now.timestamp() * 1000) << 80) | secrets.randbits(80)
    # 26 base32 digits hold 130 bits: shifted by 6, the 128-bit value fills 17 whole bytes whose
    # first 130 bits are those digits (the top two always zero).
    encoded = base64.b32encode((value << 6).to_bytes(17, "big"))
    return encoded[:26].translate(_TO_CROCKFORD).decode()
