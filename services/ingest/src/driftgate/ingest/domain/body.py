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


async def limited(body: AsyncIterator[bytes], limit: int) -> AsyncIterator[bytes]:
    """Pass chunks through, failing as soon as their total passes ``limit``."""
    size = 0
    async for chunk in body:
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        yield chunk


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
