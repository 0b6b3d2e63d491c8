"""Message visibility: backoff for failed messages, heartbeats for long handlers, release.

SQS hides a received message for its visibility timeout. The consumer keeps it hidden while the
handler runs, hides it for a growing backoff after a retryable failure, and shows it again at
once when it gives up on it (a permanent failure, or a handler cancelled at shutdown).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from typing import Unpack

    from types_aiobotocore_sqs.type_defs import (
        ChangeMessageVisibilityRequestTypeDef,
        EmptyResponseMetadataTypeDef,
    )

log = logging.getLogger(__name__)

SQS_MAX_VISIBILITY = 12 * 3600
_RELEASE_TIMEOUT = 5.0


class VisibilityPort(Protocol):
    async def change_message_visibility(
        self, **kwargs: Unpack[ChangeMessageVisibilityRequestTypeDef]
    ) -> EmptyResponseMetadataTypeDef: ...


def retry_delay(receive_count: int, base: int, cap: int) -> int:
    """Seconds a failed message stays invisible: doubles with each receive, capped."""
    if base <= 0:
        return 0
    return min(cap, SQS_MAX_VISIBILITY, base << min(max(receive_count - 1, 0), 20))


class MessageVisibility:
    """Visibility changes for one queue; failures are logged, never raised (nothing is lost:
    the previous timeout still applies)."""

    def __init__(self, sqs: VisibilityPort, queue_url: str, timeout: int) -> None:
        self._sqs = sqs
        self._queue_url = queue_url
        self._timeout = timeout

    async def set(self, receipt: str, seconds: int, fields: dict[str, Any]) -> bool:
        try:
            await self._sqs.change_message_visibility(
                QueueUrl=self._queue_url, ReceiptHandle=receipt, VisibilityTimeout=seconds
            )
        except Exception as exc:  # the old timeout still applies, so nothing is lost
            log.warning("visibility change failed", extra={**fields, "error": repr(exc)})
            return False
        return True

    @contextlib.asynccontextmanager
    async def heartbeat(self, receipt: str, fields: dict[str, Any]) -> AsyncIterator[None]:
        """Keep the message invisible while its handler runs, however long that takes."""
        task = asyncio.create_task(self._extend(receipt, fields))
        try:
            yield
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def _extend(self, receipt: str, fields: dict[str, Any]) -> None:
        interval = self._timeout / 3
        while True:
            await asyncio.sleep(interval)
            await self.set(receipt, self._timeout, fields)

    async def release(self, receipts: list[str], fields: dict[str, Any]) -> None:
        """Make messages visible again now, instead of after their timeout (bounded wait)."""
        if not receipts:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(_RELEASE_TIMEOUT):
                await asyncio.gather(*(self.set(r, 0, fields) for r in receipts))
