"""Who may write to a source: per-source API keys, compared in constant time."""

from __future__ import annotations

from driftgate.ingest.domain.api_keys import ApiKeyRecord, hash_key, hash_matches
from driftgate.ingest.errors import ForbiddenSourceError, UnauthenticatedError
from driftgate.ingest.ports import ApiKeyStore


async def authenticate(keys: ApiKeyStore, source_id: str, api_key: str | None) -> ApiKeyRecord:
    """401 for a missing, unknown or revoked key; 403 for a key of another source."""
    if not api_key:
        raise UnauthenticatedError("send the source's API key in the X-Api-Key header")
    presented = hash_key(api_key)
    record = await keys.find_by_hash(presented)
    if record is None or record.revoked or not hash_matches(record, presented):
        raise UnauthenticatedError("the API key is unknown or revoked")
    if record.source_id != source_id:
        raise ForbiddenSourceError(f"this API key may not write to source {source_id!r}")
    return record
