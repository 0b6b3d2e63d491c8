"""Opaque, tamper-evident pagination cursors: base64url(JSON) + HMAC-SHA256 over it.

The MAC also covers the listing's filter, so a cursor minted for one query cannot be replayed
against another (say, another status) to reach rows it was never meant to page through.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from typing import Any

import orjson

from driftgate.status.errors import InvalidCursorError

_MAX_CURSOR_CHARS = 2048


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class CursorCodec:
    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("cursor key must be at least 16 bytes")
        self._key = key

    def _mac(self, payload: str, scope: str) -> str:
        digest = hmac.new(self._key, f"{scope}\x00{payload}".encode(), hashlib.sha256).digest()
        return _b64(digest)

    def encode(self, position: dict[str, str], scope: str) -> str:
        """A cursor for ``position`` (the last key read), valid only for the same ``scope``."""
        payload = _b64(orjson.dumps(position, option=orjson.OPT_SORT_KEYS))
        return f"{payload}.{self._mac(payload, scope)}"

    def decode(self, cursor: str, scope: str) -> dict[str, str]:
        """The position inside ``cursor``; ``InvalidCursorError`` if it was altered or misused."""
        # Cursors are base64url, so ASCII; anything else would also make compare_digest raise.
        if len(cursor) > _MAX_CURSOR_CHARS or not cursor.isascii() or cursor.count(".") != 1:
            raise InvalidCursorError("the cursor is malformed")
        payload, mac = cursor.split(".")
        if not hmac.compare_digest(mac, self._mac(payload, scope)):
            raise InvalidCursorError("the cursor was altered or belongs to another query")
        try:
            position: Any = orjson.loads(_unb64(payload))
        except (binascii.Error, ValueError, orjson.JSONDecodeError) as exc:
            raise InvalidCursorError("the cursor is malformed") from exc
        if not isinstance(position, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in position.items()
        ):
            raise InvalidCursorError("the cursor is malformed")
        return position
