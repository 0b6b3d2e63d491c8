from datetime import UTC, datetime

from driftgate.ingest.domain.api_keys import KEY_PREFIX, generate_key, hash_key, key_matches
from driftgate.ingest.domain.ingest_id import new_ingest_id

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def test_keys_are_random_prefixed_and_stored_only_as_hashes() -> None:
    a, b = generate_key("orders", NOW), generate_key("orders", NOW)
    assert a.secret != b.secret and a.secret.startswith(KEY_PREFIX)
    assert len(a.secret) >= len(KEY_PREFIX) + 43  # 256 bits, base64url
    assert a.secret not in repr(a.record)
    assert a.record.key_hash == hash_key(a.secret)
    assert key_matches(a.record, a.secret)
    assert not key_matches(a.record, b.secret)


def test_ingest_ids_sort_by_time_and_are_unique() -> None:
    early = new_ingest_id(datetime(2026, 1, 1, tzinfo=UTC))
    late = new_ingest_id(datetime(2026, 6, 1, tzinfo=UTC))
    assert len(early) == 26 and early < late
    assert len({new_ingest_id(NOW) for _ in range(1000)}) == 1000
