"""Streams a decoded body into the raw zone: one PutObject when small, staged multipart if not."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from driftgate.ingest.errors import EmptyBodyError
from driftgate.ingest.ports import RawObjectStore, StagedUpload


@dataclass(frozen=True)
class Written:
    bucket: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Placement:
    key: str
    staging_key: str
    content_type: str
    multipart_threshold: int
    part_size: int


def _require_body(size: int) -> None:
    if size == 0:
        raise EmptyBodyError("the request body is empty")


async def hash_only(body: AsyncIterator[bytes]) -> tuple[str, int]:
    """sha256 and size of a body that must not be stored (an idempotent replay)."""
    hasher = hashlib.sha256()
    size = 0
    async for chunk in body:
        hasher.update(chunk)
        size += len(chunk)
    return hasher.hexdigest(), size


async def write_body(
    body: AsyncIterator[bytes],
    raw: RawObjectStore,
    where: Placement,
    metadata: Callable[[str, int], dict[str, str]],
) -> Written:
    """Hash and count while writing; at most one part (plus one read chunk) is held in memory.

    ``metadata(sha256, size)`` builds the object metadata once the body has been read. On any
    failure, cancellation included, a started multipart upload is aborted.
    """
    hasher = hashlib.sha256()
    size = 0
    pending: list[bytes] = []  # joined once per part: cheaper than growing a bytearray
    pending_size = 0
    upload: StagedUpload | None = None
    try:
        async for chunk in body:
            hasher.update(chunk)
            size += len(chunk)
            pending.append(chunk)
            pending_size += len(chunk)
            if upload is None and pending_size > where.multipart_threshold:
                upload = await raw.start_staged(where.staging_key, where.content_type)
            if upload is not None and pending_size >= where.part_size:
                data = b"".join(pending)
                while len(data) >= where.part_size:
                    await upload.upload_part(data[: where.part_size])
                    data = data[where.part_size :]
                pending, pending_size = [data], len(data)
        _require_body(size)
        digest = hasher.hexdigest()
        meta = metadata(digest, size)
        rest = b"".join(pending)
        pending.clear()
        if upload is None:
            bucket = await raw.put_raw(where.key, rest, where.content_type, meta)
        else:
            if rest:
                await upload.upload_part(rest)
            del rest
            bucket = await upload.promote(where.key, where.content_type, meta)
    except BaseException:
        if upload is not None:
            # Shielded so a cancelled request still cleans up its parts.
            await asyncio.shield(upload.abort())
        raise
    return Written(bucket=bucket, sha256=digest, size=size)
