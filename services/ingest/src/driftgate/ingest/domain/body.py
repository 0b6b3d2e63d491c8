"""Reading a request body as decoded chunks: gzip framing checked, size limit enforced early."""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator

from driftgate.ingest.errors import InvalidGzipError, PayloadTooLargeError

_GZIP_WBITS = 31
# Bounds what one compressed chunk may expand to at once, so a gzip bomb cannot balloon memory.
_MAX_EXPANSION = 256 * 1024


def _too_large(limit: int) -> PayloadTooLargeError:
    return PayloadTooLargeError(f"payload exceeds the {limit}-byte limit")


class _Limited:
    """Passes chunks through, failing as soon as their total passes ``limit``.

    A plain async iterator rather than an async generator: it sits on every request, and a
    generator costs a frame plus the loop's generator bookkeeping per request.
    """

    __slots__ = ("_body", "_limit", "_size")

    def __init__(self, body: AsyncIterator[bytes], limit: int) -> None:
        self._body = body
        self._limit = limit
        self._size = 0

    def __aiter__(self) -> _Limited:
        return self

    async def __anext__(self) -> bytes:
        chunk = await anext(self._body)
        self._size += len(chunk)
        if self._size > self._limit:
            raise _too_large(self._limit)
        return chunk


def limited(body: AsyncIterator[bytes], limit: int) -> AsyncIterator[bytes]:
    """Pass chunks through, failing as soon as their total passes ``limit``."""
    return _Limited(body, limit)


async def gunzip(body: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """Decompress a gzip stream (concatenated members allowed); 400 on broken framing."""
    decoder = zlib.decompressobj(_GZIP_WBITS)
    seen_input = False
    try:
        async for chunk in body:
            if chunk:
                seen_input = True
            data = chunk
            while data:
                out = decoder.decompress(data, _MAX_EXPANSION)
                if out:
                    yield out
                if decoder.eof:
                    data = decoder.unused_data
                    if data:
                        decoder = zlib.decompressobj(_GZIP_WBITS)
                else:
                    data = decoder.unconsumed_tail
        while not decoder.eof and seen_input:
            out = decoder.decompress(b"", _MAX_EXPANSION)
            if not out:
                break
            yield out
    except zlib.error as exc:
        raise InvalidGzipError(f"the body is not valid gzip: {exc}") from exc
    if seen_input and not decoder.eof:
        raise InvalidGzipError("the gzip stream is truncated")


def decoded(body: AsyncIterator[bytes], encoding: str, limit: int) -> AsyncIterator[bytes]:
    """The decoded body; both the bytes received and the decoded bytes are held to ``limit``."""
    received = limited(body, limit)
    if encoding == "gzip":
        return limited(gunzip(received), limit)
    return received
