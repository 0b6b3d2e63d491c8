"""Ports the ingest handlers depend on; adapters in ``adapters/`` implement them."""

from __future__ import annotations

from typing import Protocol

from driftgate.ingest.domain.api_keys import ApiKeyRecord


class RawObjectStore(Protocol):
    async def put_raw(
        self, key: str, body: bytes, content_type: str, metadata: dict[str, str]
    ) -> str:
        """Write an object that must not exist yet; return the bucket it landed in."""
        ...


class ApiKeyStore(Protocol):
    async def find_by_hash(self, key_hash: str) -> ApiKeyRecord | None: ...

    async def save(self, record: ApiKeyRecord) -> None: ...
