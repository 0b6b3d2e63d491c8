"""A token bucket per API key, kept in process memory (one bucket set per ingest instance)."""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from driftgate.ingest.errors import RateLimitedError

# Buckets of idle keys are forgotten first; a forgotten bucket comes back full, which is harmless.
_MAX_TRACKED_KEYS = 10_000


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """``rate`` tokens per second refill a bucket of ``burst``; each request takes one."""

    def __init__(
        self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._rate = rate
        self._burst = float(burst)
        self._clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def acquire(self, key_id: str) -> None:
        """Take a token for ``key_id`` or raise 429 with the seconds until one is available."""
        now = self._clock()
        bucket = self._buckets.pop(key_id, None) or _Bucket(self._burst, now)
        bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.updated) * self._rate)
        bucket.updated = now
        self._buckets[key_id] = bucket
        if len(self._buckets) > _MAX_TRACKED_KEYS:
            self._buckets.popitem(last=False)
        if bucket.tokens < 1.0:
            wait = math.ceil((1.0 - bucket.tokens) / self._rate)
            raise RateLimitedError(
                f"more than {self._rate:g} requests/s (burst {self._burst:g}) for this API key",
                retry_after=max(1, wait),
            )
        bucket.tokens -= 1.0
