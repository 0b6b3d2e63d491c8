"""Streams raw payloads from S3 in chunks (any size: the readers bound memory), and a fake."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from driftgate.profiler.errors import PayloadUnavailableError, UnreadablePayloadError
from driftgate.runtime.aws_errors import classify

if TYPE_CHECKING:
    from types_aiobotocore_s3 import S3Client


class S3PayloadReader:
    def __init__(self, s3: S3Client, chunk_bytes: int = 1024 * 1024) -> None:
        self._s3 = s3
        self._chunk = chunk_bytes

    async def chunks(self, bucket: str, key: str) -> AsyncIterator[bytes]:
        try:
            resp = await self._s3.get_object(Bucket=bucket, Key=key)
            async with resp["Body"] as stream:
                while chunk := await stream.read(self._chunk):
                    yield chunk
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "NoSuchBucket"}:
                raise UnreadablePayloadError(f"raw object s3://{bucket}/{key} is missing") from exc
            raise PayloadUnavailableError(str(classify(exc, "read raw object"))) from exc
        except BotoCoreError as exc:
            raise PayloadUnavailableError(str(classify(exc, "read raw object"))) from exc


@dataclass
class FakePayloadReader:
    objects: dict[tuple[str, str], bytes] = field(default_factory=dict)
    chunk_bytes: int = 7

    async def chunks(self, bucket: str, key: str) -> AsyncIterator[bytes]:
        try:
            data = self.objects[(bucket, key)]
        except KeyError:
            raise UnreadablePayloadError(f"raw object s3://{bucket}/{key} is missing") from None
        for start in range(0, len(data), self.chunk_bytes):
            yield data[start : start + self.chunk_bytes]
