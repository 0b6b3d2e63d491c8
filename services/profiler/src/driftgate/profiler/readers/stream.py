"""Profile a payload from its bytes: formats, gzip, and an async entry with bounded memory."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Final

from driftgate.profiler.domain.field_walk import ProfileBuilder
from driftgate.profiler.domain.profile import PayloadProfile
from driftgate.profiler.errors import EmptyPayloadError, UnreadablePayloadError
from driftgate.profiler.readers.csv_rows import CsvParser
from driftgate.profiler.readers.decoding import ByteSink, Decoder
from driftgate.profiler.readers.json_document import DEFAULT_MAX_RECORD_BYTES, JsonDocumentParser
from driftgate.profiler.readers.ndjson import NdjsonParser

FORMATS: Final = ("json", "ndjson", "csv")
# Chunks waiting for the inference thread: with the parsers' own bounded buffers, this caps
# memory whatever the payload's size.
PREFETCH_CHUNKS: Final = 4


def _parser(fmt: str, builder: ProfileBuilder, fast: bool, max_record_bytes: int) -> ByteSink:
    if fmt == "json":
        return JsonDocumentParser(builder, fast=fast, max_record_bytes=max_record_bytes)
    if fmt == "ndjson":
        return NdjsonParser(builder, fast=fast, max_record_bytes=max_record_bytes)
    if fmt == "csv":
        return CsvParser(builder, fast=fast, max_record_bytes=max_record_bytes)
    raise UnreadablePayloadError(f"unknown payload format {fmt!r}; expected one of {FORMATS}")


class PayloadProfiler:
    """Synchronous push parser: ``feed`` chunks of raw (maybe gzipped) bytes, then ``finish``."""

    def __init__(
        self, fmt: str, *, fast: bool = True, max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
    ) -> None:
        self._builder = ProfileBuilder()
        self._decoder = Decoder(_parser(fmt, self._builder, fast, max_record_bytes))

    def feed(self, chunk: bytes) -> None:
        self._decoder.feed(chunk)

    def finish(self) -> PayloadProfile:
        self._decoder.close()
        if self._builder.record_count == 0:
            raise EmptyPayloadError("the payload holds no records to profile")
        return self._builder.build()


def profile_chunks(
    chunks: Iterable[bytes],
    fmt: str,
    *,
    fast: bool = True,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
) -> PayloadProfile:
    """Profile a payload given as an iterable of byte chunks (blocking)."""
    profiler = PayloadProfiler(fmt, fast=fast, max_record_bytes=max_record_bytes)
    for chunk in chunks:
        profiler.feed(chunk)
    return profiler.finish()


def profile_bytes(data: bytes, fmt: str, *, fast: bool = True) -> PayloadProfile:
    """Profile a payload held in memory (blocking)."""
    return profile_chunks([data], fmt, fast=fast)


@dataclass(frozen=True)
class _Failed:
    error: BaseException


_END: Final = object()
_POLL_SECONDS: Final = 0.5


async def profile_stream(
    chunks: AsyncIterator[bytes],
    fmt: str,
    *,
    fast: bool = True,
    prefetch: int = PREFETCH_CHUNKS,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
) -> PayloadProfile:
    """Profile an async byte stream; parsing and inference run in a worker thread.

    At most ``prefetch`` chunks wait between the reader and the worker, so memory stays
    bounded however large the payload. Errors from either side propagate; cancelling the
    caller stops the worker at its next chunk.
    """
    profiler = PayloadProfiler(fmt, fast=fast, max_record_bytes=max_record_bytes)
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[object] = asyncio.Queue(maxsize=prefetch)
    stopped = threading.Event()

    async def produce() -> None:
        try:
            async for chunk in chunks:
                await queue.put(chunk)
        except Exception as exc:  # handed to the worker, which re-raises it to the caller
            await queue.put(_Failed(exc))
            return
        await queue.put(_END)

    def next_item() -> object:
        pending = asyncio.run_coroutine_threadsafe(queue.get(), loop)
        while True:
            try:
                return pending.result(timeout=_POLL_SECONDS)
            except TimeoutError:
                if stopped.is_set():  # the caller is gone and may have closed its loop
                    pending.cancel()
                    return _END

    def consume() -> PayloadProfile:
        while True:
            item = next_item()
            if stopped.is_set():
                raise asyncio.CancelledError
            if item is _END:
                return profiler.finish()
            if isinstance(item, _Failed):
                raise item.error
            assert isinstance(item, bytes | bytearray | memoryview)
            profiler.feed(bytes(item))

    producer = asyncio.create_task(produce())
    try:
        return await asyncio.to_thread(consume)
    finally:
        stopped.set()
        producer.cancel()
        await asyncio.gather(producer, return_exceptions=True)
        # Wake a worker that still waits for a chunk, so its thread ends.
        while not queue.empty():
            queue.get_nowait()
        queue.put_nowait(_END)
