"""NDJSON: one JSON object per line, blank lines ignored, LF or CRLF."""

from __future__ import annotations

from typing import Final

from driftgate.profiler.domain.field_walk import ProfileBuilder
from driftgate.profiler.errors import RecordTooLargeError
from driftgate.profiler.readers.json_document import DEFAULT_MAX_RECORD_BYTES
from driftgate.profiler.readers.records import collector_paused, decode_lines, walker

# Text buffered before it is cut into lines.
BUFFER_BYTES: Final = 1 << 20
# Decoded records of one batch are alive at once: this bounds the reader's memory, and a
# batch this small keeps most of its objects in the CPU cache from decoding to profiling
# (on the benchmark's data, 512 KiB batches were the fastest of 64 KiB to 1 MiB).
BATCH_BYTES: Final = 1 << 19


class NdjsonParser:
    """Feeds complete lines to the profile in batches; keeps at most one partial line."""

    def __init__(
        self,
        builder: ProfileBuilder,
        *,
        fast: bool = True,
        max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    ) -> None:
        self._builder = builder
        self._walk = walker(fast)
        self._max = max_record_bytes
        self._line_bytes = 0
        """Length of the line not finished yet, held to ``max_record_bytes``."""
        self._pending: list[bytes] = []
        """Chunks not cut into lines yet (after ``_partial``)."""
        self._pending_size = 0
        self._partial = b""
        """The start of a line that a previous cut left unfinished."""
        self._next_line = 1

    def feed(self, data: bytes) -> None:
        self._pending.append(data)
        self._pending_size += len(data)
        newline = data.rfind(b"\n")
        if newline < 0:
            self._line_bytes += len(data)
            if self._line_bytes > self._max:
                raise self._too_large()
        else:
            self._line_bytes = len(data) - newline - 1
        # Cut only once a newline arrives: a line longer than the buffer is joined just once.
        if self._pending_size >= BUFFER_BYTES and newline >= 0:
            pending = self._pending
            # Chunks of a megabyte or more arrive alone: cut them without copying them first.
            buffered = pending[0] if len(pending) == 1 else b"".join(pending)
            self._pending, self._pending_size = [], 0
            lines = buffered.split(b"\n")
            rest = lines.pop()  # after the last newline: a partial line, or b""
            size = len(buffered) - len(rest) + len(self._partial)
            if self._partial:
                lines[0] = self._partial + lines[0]
            self._partial = rest
            self._lines(lines, size)

    def _too_large(self, line: int | None = None) -> RecordTooLargeError:
        if line is None:  # the unfinished line: after every newline still pending
            line = self._next_line + sum(part.count(b"\n") for part in self._pending)
        return RecordTooLargeError(
            f"line {line} is longer than {self._max} bytes, the most the profiler holds in "
            "memory at once",
            line=line,
        )

    def close(self) -> None:
        rest = self._partial + b"".join(self._pending)
        self._pending, self._pending_size, self._partial = [], 0, b""
        if rest:
            lines = rest.split(b"\n")
            if not lines[-1]:
                lines.pop()
            self._lines(lines, len(rest))

    def _lines(self, lines: list[bytes], size: int) -> None:
        """Profile complete lines (``size`` bytes in all) in batches of about BATCH_BYTES."""
        if max(map(len, lines), default=0) > self._max:
            longest = next(i for i, line in enumerate(lines) if len(line) > self._max)
            raise self._too_large(self._next_line + longest)
        step = max(1, len(lines) * BATCH_BYTES // max(1, size))
        for start in range(0, len(lines), step):
            batch = lines[start : start + step]
            first = self._next_line
            self._next_line += len(batch)
            with collector_paused():
                self._walk(self._builder, decode_lines(batch, first))
