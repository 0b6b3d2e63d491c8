"""Byte-level stages ahead of every format: gzip (detected by magic bytes) and a leading BOM."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Final, Protocol

from driftgate.profiler.errors import BrokenCompressionError

GZIP_MAGIC: Final = b"\x1f\x8b"
UTF8_BOM: Final = b"\xef\xbb\xbf"
# Output per decompress call: a small compressed chunk may expand a thousandfold (a gzip
# bomb), so inflate in bounded slices instead of all at once.
_INFLATE_SLICE: Final = 1 << 20


class ByteSink(Protocol):
    """The next stage: a format parser receiving plain (decompressed, BOM-free) bytes."""

    def feed(self, data: bytes) -> None: ...

    def close(self) -> None:
        """End of input: flush what is buffered, raise if the payload ends mid-record."""


class _Gunzip:
    def __init__(self) -> None:
        self._inflater = zlib.decompressobj(wbits=31)

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data:
            try:
                out = self._inflater.decompress(data, _INFLATE_SLICE)
                while self._inflater.unconsumed_tail:
                    yield out
                    out = self._inflater.decompress(self._inflater.unconsumed_tail, _INFLATE_SLICE)
            except zlib.error as exc:
                raise BrokenCompressionError(f"corrupt gzip stream: {exc}") from exc
            yield out
            data = b""
            if self._inflater.eof:
                rest = self._inflater.unused_data
                if rest and not rest.startswith(GZIP_MAGIC[: len(rest)]):
                    raise BrokenCompressionError("unexpected data after the gzip stream")
                if rest:  # concatenated gzip members, as `cat a.gz b.gz` makes
                    self._inflater = zlib.decompressobj(wbits=31)
                    data = rest

    def check_complete(self) -> None:
        if not self._inflater.eof:
            raise BrokenCompressionError("truncated gzip stream")


class Decoder:
    """Sniffs gzip from the first two bytes, inflates, drops a leading UTF-8 BOM."""

    def __init__(self, sink: ByteSink) -> None:
        self._sink = sink
        self._head = b""
        self._gunzip: _Gunzip | None = None
        self._sniffed = False
        self._bom_checked = False
        self._bom_head = b""

    def feed(self, data: bytes) -> None:
        if not self._sniffed:
            self._head += data
            if len(self._head) < len(GZIP_MAGIC):
                return
            data, self._head = self._head, b""
            self._sniffed = True
            if data.startswith(GZIP_MAGIC):
                self._gunzip = _Gunzip()
        if self._gunzip is None:
            self._plain(data)
            return
        for out in self._gunzip.feed(data):
            self._plain(out)

    def close(self) -> None:
        if not self._sniffed:
            self._sniffed = True
            self._plain(self._head)
        elif self._gunzip is not None:
            self._gunzip.check_complete()
        if not self._bom_checked:
            self._bom_checked = True
            if self._bom_head and self._bom_head != UTF8_BOM:
                self._sink.feed(self._bom_head)
        self._sink.close()

    def _plain(self, data: bytes) -> None:
        if not data:
            return
        if not self._bom_checked:
            self._bom_head += data
            if len(self._bom_head) < len(UTF8_BOM):
                return
            data, self._bom_head = self._bom_head, b""
            self._bom_checked = True
            data = data.removeprefix(UTF8_BOM)
            if not data:
                return
        self._sink.feed(data)
