"""Shared key secrets: prefixes, entropy, hashing and matching."""

from __future__ import annotations

from driftgate.runtime.api_keys import hash_key, hash_matches, key_matches, new_key_id, new_secret


def test_secrets_and_ids_carry_their_prefix_and_differ_each_time() -> None:
    a, b = new_secret("abc_"), new_secret("abc_")
    assert a.startswith("abc_")
    assert a != b
    assert len(a) - len("abc_") >= 43  # 32 random bytes, URL-safe base64
    key_id = new_key_id("kid_")
    assert key_id.startswith("kid_")
    assert len(key_id) == len("kid_") + 16


def test_only_the_issued_secret_matches_its_hash() -> None:
    secret = new_secret("abc_")
    stored = hash_key(secret)
    assert stored != secret
    assert len(stored) == 64
    assert key_matches(stored, secret)
    assert hash_matches(stored, hash_key(secret))
    assert not key_matches(stored, secret + "x")
    assert not hash_matches(stored, hash_key(new_secret("abc_")))
