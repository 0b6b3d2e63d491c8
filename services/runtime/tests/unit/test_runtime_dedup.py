import pytest

from driftgate.runtime.dedup import CachedDedupStore, InMemoryDedupStore


async def test_marked_events_are_seen_per_consumer() -> None:
    store = InMemoryDedupStore()
    assert not await store.seen("profiler", "e1")
    await store.mark_done("profiler", "e1")
    assert await store.seen("profiler", "e1")
    assert not await store.seen("notifier", "e1")
    await store.mark_done("profiler", "e1")  # idempotent
    assert store.size == 1


async def test_lru_evicts_the_least_recently_used() -> None:
    store = InMemoryDedupStore(max_entries=2)
    await store.mark_done("c", "a")
    await store.mark_done("c", "b")
    assert await store.seen("c", "a")  # refreshes "a", so "b" is now the oldest
    await store.mark_done("c", "d")
    assert store.size == 2
    assert await store.seen("c", "a")
    assert not await store.seen("c", "b")
    assert await store.seen("c", "d")


def test_lru_needs_room_for_one_entry() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        InMemoryDedupStore(max_entries=0)


async def test_cache_writes_through_and_fills_from_the_durable_store() -> None:
    durable = InMemoryDedupStore()
    cache = InMemoryDedupStore()
    store = CachedDedupStore(durable, cache)

    await store.mark_done("p", "e1")
    assert await durable.seen("p", "e1")
    assert await cache.seen("p", "e1")

    await durable.mark_done("p", "e2")  # e.g. marked by another replica
    assert not await cache.seen("p", "e2")
    assert await store.seen("p", "e2")
    assert await cache.seen("p", "e2")
    assert not await store.seen("p", "e3")
