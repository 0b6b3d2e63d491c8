"""Test support: the status app on in-memory fakes, and a signed-callback helper.

Lives beside the fakes it wires (as the adapters' fakes do) so unit tests, the benchmark and
other services' tests build the same harness.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

from driftgate.contracts.webhook_signing import generate_secret, sign_headers
from driftgate.runtime.publisher import FakeEventPublisher
from driftgate.status.adapters.callback_secrets import StaticCallbackSecrets
from driftgate.status.adapters.dynamo_operator_keys import InMemoryOperatorKeyStore
from driftgate.status.adapters.memory_job_store import InMemoryJobStore
from driftgate.status.bootstrap import StatusApp, bootstrap
from driftgate.status.domain.metrics import CapturedEmf, EmfMetrics
from driftgate.status.domain.operator_keys import generate_operator_key
from driftgate.status.settings import StatusSettings


@dataclass
class FakeClock:
    now: datetime = field(default_factory=lambda: datetime(2026, 3, 14, 9, 30, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now


def callback_body(status: str, message: str = "", **extra: Any) -> bytes:
    """A ``job.callback.v1`` body as a worker sends it."""
    body = {
        "status": status,
        "message": message,
        "occurred_at": datetime.now(UTC).isoformat(),
        **extra,
    }
    return orjson.dumps(body)


def signed(
    secret: str, body: bytes, *, msg_id: str | None = None, timestamp: int | None = None
) -> dict[str, str]:
    """Headers for a signed callback (JSON content type included)."""
    headers = sign_headers(secret, body, msg_id=msg_id, timestamp=timestamp).as_dict()
    return {**headers, "Content-Type": "application/json"}


@dataclass
class MemoryHarness:
    status: StatusApp
    store: InMemoryJobStore
    keys: InMemoryOperatorKeyStore
    publisher: FakeEventPublisher
    emf: CapturedEmf
    secret: str
    operator_key: str


async def memory_harness(
    settings: StatusSettings | None = None, *, clock: FakeClock | None = None
) -> MemoryHarness:
    """The whole status app on fakes, with one operator key and one signing secret."""
    store = InMemoryJobStore()
    keys = InMemoryOperatorKeyStore()
    issued = generate_operator_key("tests", datetime.now(UTC))
    await keys.save(issued.record)
    publisher = FakeEventPublisher()
    emf = CapturedEmf()
    secret = generate_secret()
    status = bootstrap(
        store=store,
        outbox=store,
        keys=keys,
        secrets_source=StaticCallbackSecrets([secret]),
        publisher=publisher,
        settings=settings or StatusSettings(cursor_key="k" * 32),
        metrics=EmfMetrics(sink=emf),
        clock=clock,
    )
    return MemoryHarness(status, store, keys, publisher, emf, secret, issued.secret)
