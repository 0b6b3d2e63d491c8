"""Source ids name a tenant's stream. They go into S3 keys, so they are validated strictly."""

from __future__ import annotations

import re

from driftgate.ingest.errors import InvalidSourceIdError

SOURCE_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


def validate_source_id(value: str) -> str:
    """Return ``value`` if it is a valid source id; otherwise raise ``InvalidSourceIdError``."""
    if not SOURCE_ID_RE.fullmatch(value):
        raise InvalidSourceIdError(f"source id {value[:80]!r} must match {SOURCE_ID_RE.pattern}")
    return value
