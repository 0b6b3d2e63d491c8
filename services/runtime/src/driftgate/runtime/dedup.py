"""Which events a consumer has already handled, so redelivered duplicates are skipped.

SQS delivers at least once and SNS may publish twice; handlers must be safe to call twice, and
this store makes the second call rare. ``DynamoDedupStore`` uses the topology's
``processed-events`` table; ``InMemoryDedupStore`` is the unit-test fake and a per-process cache.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from driftgate.runtime.aws_errors import classify

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb import DynamoDBClient

DEFAULT_TTL_SECONDS = 7 * 24 * 3600


class DedupStore(Protocol):
    async def seen(self, consumer: str, event_id: str) -> bool:
        """True when ``consumer`` already finished handling ``event_id``."""
        ...

    async def mark_done(self, consumer: str, event_id: str) -> None:
        """Record that ``consumer`` finished ``event_id``; calling it twice is harmless."""
        ...


class DynamoDedupStore:
    """Done-markers in DynamoDB (PK ``consumer``, SK ``event_id``), expired by TTL."""

    def __init__(
        self,
        ddb: DynamoDBClient,
        table_name: str,
        ttl_seconds: int = DEFAULT_TTL_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._ddb = ddb
        self._table = table_name
        self._ttl = ttl_seconds
        self._clock = clock

    async def seen(self, consumer: str, event_id: str) -> bool:
        try:
            resp = await self._ddb.get_item(
                TableName=self._table,
                Key={"consumer": {"S": consumer}, "event_id": {"S": event_id}},
                ConsistentRead=True,
                ProjectionExpression="expires_at",
            )
        except (ClientError, BotoCoreError) as exc:
            raise classify(exc, f"dedup lookup in {self._table}") from exc
        item = resp.get("Item")
        if item is None:
            return False
        # TTL deletion lags by up to days, so an expired marker must not count as seen.
        expires = item.get("expires_at", {}).get("N")
        return expires is None or float(expires) > self._clock()

    async def mark_done(self, consumer: str, event_id: str) -> None:
        expires_at = int(self._clock()) + self._ttl
        try:
            await self._ddb.put_item(
                TableName=self._table,
                Item={
                    "consumer": {"S": consumer},
                    "event_id": {"S": event_id},
                    "expires_at": {"N": str(expires_at)},
                },
            )
        except (ClientError, BotoCoreError) as exc:
            raise classify(exc, f"dedup mark in {self._table}") from exc


class InMemoryDedupStore:
    """A bounded LRU of done-markers: the fake for unit tests, and a cache in front of DynamoDB."""

    def __init__(self, max_entries: int = 10_000) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._max = max_entries
        self._done: OrderedDict[tuple[str, str], None] = OrderedDict()

    @property
    def size(self) -> int:
        # Not __len__: an empty store would be falsy and ``store or default`` would drop it.
        return len(self._done)

    async def seen(self, consumer: str, event_id: str) -> bool:
        key = (consumer, event_id)
        if key in self._done:
            self._done.move_to_end(key)
            return True
        return False

    async def mark_done(self, consumer: str, event_id: str) -> None:
        key = (consumer, event_id)
        self._done[key] = None
        self._done.move_to_end(key)
        while len(self._done) > self._max:
            self._done.popitem(last=False)


class CachedDedupStore:
    """A per-process LRU in front of a durable store: skips the remote read for recent events."""

    def __init__(self, durable: DedupStore, cache: InMemoryDedupStore | None = None) -> None:
        self._durable = durable
        self._cache = cache if cache is not None else InMemoryDedupStore()

    async def seen(self, consumer: str, event_id: str) -> bool:
        if await self._cache.seen(consumer, event_id):
            return True
        if await self._durable.seen(consumer, event_id):
            await self._cache.mark_done(consumer, event_id)
            return True
        return False

    async def mark_done(self, consumer: str, event_id: str) -> None:
        # Durable first: the cache must never claim more than the durable store knows.
        await self._durable.mark_done(consumer, event_id)
        await self._cache.mark_done(consumer, event_id)
