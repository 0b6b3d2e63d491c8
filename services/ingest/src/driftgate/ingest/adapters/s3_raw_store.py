"""The raw zone on S3: single writes, and multipart uploads staged outside ``raw/``.

A large body is uploaded in parts to ``staging/…``, completed there, then copied server-side to
its ``raw/`` key with the full metadata (sha256 and size are only known at the end), and the
staging version is deleted. Any failure aborts the upload or deletes the staged version, so
``raw/`` never shows a partial object (docs/adr/0007).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from driftgate.ingest.errors import StorageUnavailableError
from driftgate.runtime.aws_errors import classify

if TYPE_CHECKING:
    from types_aiobotocore_s3 import S3Client
    from types_aiobotocore_s3.type_defs import CompletedPartTypeDef, CopySourceTypeDef

log = logging.getLogger(__name__)


def _unavailable(exc: Exception, what: str) -> StorageUnavailableError:
    return StorageUnavailableError(str(classify(exc, what)))


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
            raise _unavailable(exc, "write raw object") from exc
        return self._bucket

    async def start_staged(self, staging_key: str, content_type: str) -> S3StagedUpload:
        try:
            created = await self._s3.create_multipart_upload(
                Bucket=self._bucket,
                Key=staging_key,
                ContentType=content_type,
                ChecksumAlgorithm="SHA256",
            )
        except (ClientError, BotoCoreError) as exc:
            raise _unavailable(exc, "start multipart upload") from exc
        return S3StagedUpload(self._s3, self._bucket, staging_key, created["UploadId"])


class S3StagedUpload:
    def __init__(self, s3: S3Client, bucket: str, key: str, upload_id: str) -> None:
        self._s3 = s3
        self._bucket = bucket
        self._key = key
        self._upload_id = upload_id
        self._parts: list[CompletedPartTypeDef] = []
        self._staged_version: str | None = None
        self._finished = False

    async def upload_part(self, data: bytes) -> None:
        number = len(self._parts) + 1
        try:
            resp = await self._s3.upload_part(
                Bucket=self._bucket,
                Key=self._key,
                UploadId=self._upload_id,
                PartNumber=number,
                Body=data,
                ChecksumAlgorithm="SHA256",
            )
        except (ClientError, BotoCoreError) as exc:
            raise _unavailable(exc, f"upload part {number}") from exc
        part: CompletedPartTypeDef = {"ETag": resp["ETag"], "PartNumber": number}
        if "ChecksumSHA256" in resp:
            part["ChecksumSHA256"] = resp["ChecksumSHA256"]
        self._parts.append(part)

    async def promote(self, key: str, content_type: str, metadata: dict[str, str]) -> str:
        try:
            done = await self._s3.complete_multipart_upload(
                Bucket=self._bucket,
                Key=self._key,
                UploadId=self._upload_id,
                MultipartUpload={"Parts": self._parts},
            )
            self._staged_version = done.get("VersionId") or ""
            source: CopySourceTypeDef = {"Bucket": self._bucket, "Key": self._key}
            if self._staged_version:
                source["VersionId"] = self._staged_version
            await self._s3.copy_object(
                Bucket=self._bucket,
                Key=key,
                CopySource=source,
                MetadataDirective="REPLACE",
                ContentType=content_type,
                Metadata=metadata,
                ChecksumAlgorithm="SHA256",
            )
        except (ClientError, BotoCoreError) as exc:
            raise _unavailable(exc, "promote staged upload") from exc
        await self._discard_staged()
        return self._bucket

    async def abort(self) -> None:
        if self._finished:
            return
        if self._staged_version is None:
            try:
                await self._s3.abort_multipart_upload(
                    Bucket=self._bucket, Key=self._key, UploadId=self._upload_id
                )
            except (ClientError, BotoCoreError) as exc:
                # Parts of an unfinished upload are never visible; an
                # AbortIncompleteMultipartUpload lifecycle rule reclaims them (runbook).
                log.warning("abort multipart upload failed", extra={"error": str(exc)})
            self._finished = True
            return
        await self._discard_staged()

    async def _discard_staged(self) -> None:
        """Delete the staging version itself (a plain delete would only add a delete marker)."""
        self._finished = True
        try:
            if self._staged_version:
                await self._s3.delete_object(
                    Bucket=self._bucket, Key=self._key, VersionId=self._staged_version
                )
            else:
                await self._s3.delete_object(Bucket=self._bucket, Key=self._key)
        except (ClientError, BotoCoreError) as exc:
            log.warning("staging object left behind", extra={"error": str(exc)})
