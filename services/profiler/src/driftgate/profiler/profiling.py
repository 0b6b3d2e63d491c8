"""Profiling a landed payload: stream its raw object through the format's reader."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from driftgate.contracts.events import PayloadLandedV1
from driftgate.profiler.domain.profile import PayloadProfile
from driftgate.profiler.errors import UnreadablePayloadError
from driftgate.profiler.ports import PayloadReader
from driftgate.profiler.readers import profile_stream
from driftgate.profiler.readers.json_document import DEFAULT_MAX_RECORD_BYTES

ProfileFn = Callable[[PayloadReader, PayloadLandedV1], Awaitable[PayloadProfile]]

_BY_MEDIA_TYPE = {
    "application/json": "json",
    "application/x-ndjson": "ndjson",
    "text/csv": "csv",
}


def payload_format(content_type: str, key: str) -> str:
    """``json``, ``ndjson`` or ``csv``: from the media type, else from the key's extension."""
    bare = content_type.split(";", 1)[0].strip().lower()
    if bare in _BY_MEDIA_TYPE:
        return _BY_MEDIA_TYPE[bare]
    name = key.rsplit("/", 1)[-1].lower().removesuffix(".gz")
    ext = name.rsplit(".", 1)[-1] if "." in name else ""
    if ext in {"json", "ndjson", "csv"}:
        return ext
    raise UnreadablePayloadError(f"cannot tell the format of {content_type!r} payload {key}")


async def profile_landed(
    reader: PayloadReader,
    landed: PayloadLandedV1,
    *,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
) -> PayloadProfile:
    """Profile the payload with bounded memory, whatever its size (one record at most
    ``max_record_bytes``)."""
    fmt = payload_format(landed.content_type, landed.key)
    return await profile_stream(
        reader.chunks(landed.bucket, landed.key), fmt, max_record_bytes=max_record_bytes
    )
