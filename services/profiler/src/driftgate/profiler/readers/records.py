"""Turning raw JSON text into records, with the line number of whatever is wrong."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import orjson

from driftgate.profiler.domain.fast_inference import walk_records
from driftgate.profiler.domain.field_walk import ProfileBuilder, walk_record
from driftgate.profiler.errors import CorruptJsonError, InvalidEncodingError

Records = Sequence[dict[str, Any]]
RecordWalker = Callable[[ProfileBuilder, Records], None]


def reference_walker(builder: ProfileBuilder, records: Records) -> None:
    """The reference walk over a batch: one record at a time."""
    for record in records:
        walk_record(builder, record)


def walker(fast: bool) -> RecordWalker:
    return walk_records if fast else reference_walker


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic GC while a batch of decoded records is alive.

    Decoded JSON cannot form reference cycles, yet allocating millions of dicts and lists
    triggers full collections that rescan them all: pausing them halves the inference time.
    Batches are bounded, so the memory that waits for the next collection is too.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def decode_error(text: bytes, line: int, exc: Exception) -> CorruptJsonError | InvalidEncodingError:
    """Classify a failed decode: invalid UTF-8 or corrupt JSON, at ``line``."""
    try:
        text.decode("utf-8")
    except UnicodeDecodeError as bad:
        line += text.count(b"\n", 0, bad.start)
        return InvalidEncodingError(f"invalid UTF-8 at line {line}", line=line)
    return CorruptJsonError(f"invalid JSON at line {line}: {exc}", line=line)


def not_an_object(line: int, value: Any) -> CorruptJsonError:
    return CorruptJsonError(
        f"line {line} holds a JSON {type(value).__name__}, not an object", line=line
    )


def decode_lines(lines: Sequence[bytes], first_line: int) -> list[dict[str, Any]]:
    """Decode NDJSON lines (blank lines skipped), raising with the failing line's number."""
    try:
        records: list[Any] = list(map(orjson.loads, lines))
    except orjson.JSONDecodeError:
        records = _decode_one_by_one(lines, first_line)
    if set(map(type, records)) - {dict}:
        for offset, record in enumerate(records):
            if type(record) is not dict:
                # Only reachable without blank lines, so offsets are line offsets.
                raise not_an_object(first_line + offset, record)
    return records


def _decode_one_by_one(lines: Sequence[bytes], first_line: int) -> list[Any]:
    records: list[Any] = []
    for offset, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise decode_error(line, first_line + offset, exc) from exc
        if type(record) is not dict:
            raise not_an_object(first_line + offset, record)
        records.append(record)
    return records
