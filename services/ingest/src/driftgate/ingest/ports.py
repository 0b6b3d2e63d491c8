"""Ports the ingest handlers depend on; adapters in ``adapters/`` implement them."""

from __future__ import annotations

from typing import Protocol

from driftgate.ingest.domain.api_keys import ApiKeyRecord
from driftgate.ingest.domain.idempotency import ClaimState, IdempotencyRecord, Receipt


class StagedUpload(Protocol):
    """A large body on its way in, written in parts and invisible in ``raw/`` until promoted."""

    async def upload_part(self, data: bytes) -> None: ...

    async def promote(self, key: str, content_type: str, metadata: dict[str, str]) -> str:
        """Make the complete body the raw object ``key`` with ``metadata``; return the bucket."""
        ...

    async def abort(self) -> None:
        """Discard every part written so far; safe to call twice."""
        ...


class RawObjectStore(Protocol):
    async def put_raw(
        self, key: str, body: bytes, content_type: str, metadata: dict[str, str]
    ) -> str:
        """Write an object that must not exist yet; return the bucket it landed in."""
        ...

    async def start_staged(self, staging_key: str, content_type: str) -> StagedUpload:
        """Begin a multipart upload outside ``raw/``."""
        ...


class ApiKeyStore(Protocol):
    async def find_by_hash(self, key_hash: str) -> ApiKeyRecord | None: ...

    async def save(self, record: ApiKeyRecord) -> None: ...


class IdempotencyStore(Protocol):
    async def claim(
        self, record: IdempotencyRecord, stale_before: float
    ) -> IdempotencyRecord | None:
        """Store ``record`` unless a live one exists (returned instead); None means claimed.

        A record expired by ``expires_at``, or still in progress but claimed before
        ``stale_before`` (its request died), counts as absent.
        """
        ...

    async def settle(
        self,
        scope: str,
        token: str,
        state: ClaimState,
        receipt: Receipt,
        event: str | None,
    ) -> None:
        """Move the claim ``token`` holds to ``state`` with the receipt (and pending event)."""
        ...

    async def release(self, scope: str, token: str) -> None:
        """Drop an in-progress claim held by ``token`` so a retry can start afresh."""
        ...
