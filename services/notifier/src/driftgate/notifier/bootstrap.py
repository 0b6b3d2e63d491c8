"""Wires adapters to the notifier's handlers. Entrypoints pass real adapters, tests pass fakes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from driftgate.contracts.events import PayloadRejectedV1, SchemaDriftDetectedV1
from driftgate.notifier.handlers import NotifierDeps, on_payload_rejected, on_schema_drift
from driftgate.runtime.publisher import EventPublisher
from driftgate.runtime.routing import EventRouter


def bootstrap(
    *, publisher: EventPublisher, clock: Callable[[], datetime] | None = None
) -> EventRouter:
    """Return the router that handles every message type the notifier consumes."""
    extra: dict[str, Any] = {"clock": clock} if clock else {}
    deps = NotifierDeps(publisher, **extra)
    router = EventRouter()
    router.register(SchemaDriftDetectedV1, partial(on_schema_drift, deps=deps))
    router.register(PayloadRejectedV1, partial(on_payload_rejected, deps=deps))
    return router
