"""Wires adapters to the ingest use case and HTTP app. Entrypoints pass real adapters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from aiohttp import web

from driftgate.ingest.domain.rate_limit import RateLimiter
from driftgate.ingest.entrypoints.http_app import create_app
from driftgate.ingest.handlers import IngestDeps
from driftgate.ingest.ports import ApiKeyStore, IdempotencyStore, RawObjectStore
from driftgate.ingest.settings import IngestSettings
from driftgate.runtime.publisher import EventPublisher


def bootstrap(
    *,
    keys: ApiKeyStore,
    raw: RawObjectStore,
    publisher: EventPublisher,
    idempotency: IdempotencyStore | None = None,
    settings: IngestSettings | None = None,
    clock: Callable[[], datetime] | None = None,
) -> web.Application:
    """Return the ingest aiohttp application bound to the given adapters."""
    settings = settings or IngestSettings()
    extra: dict[str, Any] = {"clock": clock} if clock else {}
    deps = IngestDeps(
        keys=keys,
        raw=raw,
        publisher=publisher,
        idempotency=idempotency,
        max_body_bytes=settings.max_body_bytes,
        limiter=RateLimiter(settings.rate_limit_per_second, settings.rate_limit_burst),
        multipart_threshold_bytes=settings.multipart_threshold_bytes,
        part_size_bytes=settings.part_size_bytes,
        idempotency_ttl_seconds=settings.idempotency_ttl_seconds,
        idempotency_lease_seconds=settings.idempotency_lease_seconds,
        **extra,
    )
    return create_app(deps, read_chunk_bytes=settings.read_chunk_bytes)
