"""The in-memory stand-in for the hashed-key table."""

from __future__ import annotations

from dataclasses import dataclass

from driftgate.runtime.dynamo_key_table import InMemoryKeyTable


@dataclass(frozen=True)
class _Key:
    key_hash: str
    key_id: str


async def test_in_memory_table_keeps_records_by_hash() -> None:
    table: InMemoryKeyTable[_Key] = InMemoryKeyTable()
    key = _Key(key_hash="h", key_id="k1")
    await table.save(key)
    assert await table.find_by_hash("h") == key
    assert await table.find_by_hash("x") is None
    assert table.records == {"h": key}
