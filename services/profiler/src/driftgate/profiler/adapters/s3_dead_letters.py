"""Dead letters in the raw bucket: a copy of the unreadable payload plus an error report.

The raw object itself is never modified or deleted: the raw zone is immutable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import orjson
from botocore.exceptions import BotoCoreError, ClientError

from driftgate.contracts.events import PayloadLandedV1
from driftgate.profiler.errors import PayloadUnavailableError, UnreadablePayloadError
from driftgate.runtime.aws_errors import classify

if TYPE_CHECKING:
    from types_aiobotocore_s3 import S3Client


def dead_letter_prefix(landed: PayloadLandedV1) -> str:
    """``dead-letter/source=<id>/date=<YYYY-MM-DD>/<ingest_id>/``, dated by arrival so that a
    redelivery writes to the same place."""
    day = landed.received_at.astimezone(UTC).date().isoformat()
    return f"dead-letter/source={landed.source_id}/date={day}/{landed.ingest_id}/"


def error_report(
    landed: PayloadLandedV1, error: UnreadablePayloadError, copied: bool, now: datetime
) -> bytes:
    return orjson.dumps(
        {
            "ingest_id": landed.ingest_id,
            "source_id": landed.source_id,
            "raw_object": f"s3://{landed.bucket}/{landed.key}",
            "sha256": landed.sha256,
            "size_bytes": landed.size_bytes,
            "content_type": landed.content_type,
            "error_kind": error.reason,
            "reason": str(error),
            "line": error.line,
            "row": error.row,
            "payload_copied": copied,
            "rejected_at": now.isoformat(),
        },
        option=orjson.OPT_INDENT_2,
    )


class S3DeadLetters:
    def __init__(self, s3: S3Client, clock: Callable[[], datetime] = lambda: datetime.now(UTC)):
        self._s3 = s3
        self._clock = clock

    async def store(self, landed: PayloadLandedV1, error: UnreadablePayloadError) -> str:
        prefix = dead_letter_prefix(landed)
        name = landed.key.rsplit("/", 1)[-1]
        copied = True
        try:
            await self._s3.copy_object(
                Bucket=landed.bucket,
                Key=prefix + name,
                CopySource={"Bucket": landed.bucket, "Key": landed.key},
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in {"NoSuchKey", "404"}:
                raise PayloadUnavailableError(str(classify(exc, "copy to dead letters"))) from exc
            copied = False  # nothing to copy: the report says so
        except BotoCoreError as exc:
            raise PayloadUnavailableError(str(classify(exc, "copy to dead letters"))) from exc
        try:
            await self._s3.put_object(
                Bucket=landed.bucket,
                Key=prefix + "error.json",
                Body=error_report(landed, error, copied, self._clock()),
                ContentType="application/json",
            )
        except (ClientError, BotoCoreError) as exc:
            raise PayloadUnavailableError(str(classify(exc, "write error report"))) from exc
        return prefix


@dataclass
class FakeDeadLetters:
    stored: dict[str, tuple[PayloadLandedV1, UnreadablePayloadError]] = field(default_factory=dict)

    async def store(self, landed: PayloadLandedV1, error: UnreadablePayloadError) -> str:
        prefix = dead_letter_prefix(landed)
        self.stored[prefix] = (landed, error)
        return prefix
