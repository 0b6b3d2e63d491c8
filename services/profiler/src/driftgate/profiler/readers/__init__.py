"""Streaming payload readers: JSON, NDJSON and CSV, each maybe gzip-compressed."""

from driftgate.profiler.readers.stream import (
    FORMATS,
    PayloadProfiler,
    profile_bytes,
    profile_chunks,
    profile_stream,
)

__all__ = ["FORMATS", "PayloadProfiler", "profile_bytes", "profile_chunks", "profile_stream"]
