"""API key secrets: random, high-entropy, stored only as SHA-256 hashes, matched in constant time.

Each service names its keys with its own prefix (ingest's source keys ``dgk_``, status's operator
keys ``dgo_``), so a key is recognisable at a glance and one kind never passes for the other.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_secret(prefix: str) -> str:
    """A fresh key secret: ``prefix`` and 256 random bits, URL-safe."""
    return prefix + secrets.token_urlsafe(32)


def new_key_id(prefix: str) -> str:
    """A fresh public key id (safe to log and list): ``prefix`` and 64 random bits in hex."""
    return prefix + secrets.token_hex(8)


def hash_key(secret: str) -> str:
    # Keys carry 256 bits of entropy, so a plain SHA-256 is enough; no salt or KDF needed.
    return hashlib.sha256(secret.encode()).hexdigest()


def hash_matches(stored_hash: str, presented_hash: str) -> bool:
    """Constant-time comparison of a presented key's hash (``hash_key``) with the stored one."""
    return hmac.compare_digest(stored_hash, presented_hash)


def key_matches(stored_hash: str, secret: str) -> bool:
    """Constant-time comparison of a presented key with a stored hash."""
    return hash_matches(stored_hash, hash_key(secret))
