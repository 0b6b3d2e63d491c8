"""The raw zone on S3, and an in-memory stand-in for unit tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from driftgate.ingest.errors import StorageUnavailableError
from driftgate.runtime.aws_errors import classify

if TYPE_CHECKING:
    from types_aiobotocore_s3 import S3Client


class S3RawObjectStore:
    """Writes payloads once. ``IfNoneMatch`` makes S3 refuse to overwrite an existing key."""

    def __init__(self, s3: S3Client, bucket: str) -> None:
        self._s3 = s3
        self._bucket = bucket

    async def put_raw(
        self, key: str, body: bytes, content_type: str, metadata: dict[str, str]
    ) -> str:
        try:
            await self._s3.put_object(
                Bucket=self._bucket,
                Key=key,
                Body=body,
                ContentType=content_type,
                Metadata=metadata,
                ChecksumAlgorithm="SHA256",
                IfNoneMatch="*",
            )
        except (ClientError, BotoCoreError) as exc:
            raise StorageUnavailableError(str(classify(exc, "write raw object"))) from exc
        return self._bucket


@dataclass
class FakeRawObjectStore:
    bucket: str = "fake-raw"
    objects: dict[str, tuple[bytes, str, dict[str, str]]] = field(default_factory=dict)
    fail_next: int = 0

    async def put_raw(
        self, key: str, body: bytes, content_type: str, metadata: dict[str, str]
    ) -> str:
        if self.fail_next > 0:
            self.fail_next -= 1
            raise StorageUnavailableError("fake S3 unavailable")
        if key in self.objects:
            raise StorageUnavailableError(f"refusing to overwrite {key}")
        self.objects[key] = (body, content_type, metadata)
        return self.bucket
