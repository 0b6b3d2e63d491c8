"""Make the emulator's DynamoDB writes atomic with respect to each other, as in AWS.

moto's ``transact_write_items`` checks conditions and applies writes without a lock, and rolls a
failed transaction back by restoring a copy of each table taken when *it* started. Under the
threaded server, a transaction that fails after another one committed therefore erases that
commit (for every item in the table), and two writers can both pass a condition. Real DynamoDB
serialises conflicting writes, and the status service's conditional transitions rely on it, so
the embedded emulator serialises moto's write paths behind one re-entrant lock.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

_LOCK = threading.RLock()
_WRITES = ("put_item", "update_item", "delete_item", "transact_write_items")
_MARK = "_driftgate_serialised"


def serialise_dynamodb_writes() -> None:
    """Idempotently wrap moto's DynamoDB backend write methods with a process-wide lock."""
    from moto.dynamodb.models import DynamoDBBackend  # noqa: PLC0415  (moto is optional)

    for name in _WRITES:
        original = getattr(DynamoDBBackend, name)
        if getattr(original, _MARK, False):
            continue

        @functools.wraps(original)
        def locked(self: Any, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
            with _LOCK:
                return __original(self, *args, **kwargs)

        setattr(locked, _MARK, True)
        setattr(DynamoDBBackend, name, locked)
