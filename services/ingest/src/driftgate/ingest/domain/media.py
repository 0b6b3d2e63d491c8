"""Which payload framings ingest accepts, and the raw-zone file extension of each."""

from __future__ import annotations

from driftgate.ingest.errors import UnsupportedContentEncodingError, UnsupportedMediaTypeError

# Media type → file extension in the raw zone.
ACCEPTED_TYPES = {
    "application/json": "json",
    "application/x-ndjson": "ndjson",
    "text/csv": "csv",
}
ACCEPTED_ENCODINGS = ("identity", "gzip")


def media_type(content_type: str) -> tuple[str, str]:
    """The bare media type and its extension; 415 for anything not accepted."""
    bare = content_type.split(";", 1)[0].strip().lower()
    ext = ACCEPTED_TYPES.get(bare)
    if ext is None:
        accepted = ", ".join(ACCEPTED_TYPES)
        raise UnsupportedMediaTypeError(
            f"content type {bare[:80] or '(none)'!r} is not accepted; use one of {accepted}"
        )
    return bare, ext


def content_encoding(header: str | None) -> str:
    """``identity`` or ``gzip``; 415 for other or stacked encodings."""
    value = (header or "identity").strip().lower() or "identity"
    if value not in ACCEPTED_ENCODINGS:
        raise UnsupportedContentEncodingError(
            f"content encoding {value[:40]!r} is not accepted; send gzip or no encoding"
        )
    return value
