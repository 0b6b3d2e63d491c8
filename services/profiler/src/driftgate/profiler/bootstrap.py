"""Wires adapters to the profiler's handlers. Entrypoints pass real adapters, tests pass fakes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from driftgate.contracts.events import PayloadLandedV1
from driftgate.profiler.handlers import ProfilerDeps, on_payload_landed
from driftgate.profiler.ports import PayloadReader, SchemaRegistry
from driftgate.runtime.publisher import EventPublisher
from driftgate.runtime.routing import EventRouter


def bootstrap(
    *,
    reader: PayloadReader,
    registry: SchemaRegistry,
    publisher: EventPublisher,
    clock: Callable[[], datetime] | None = None,
) -> EventRouter:
    """Return the router that handles every message type the profiler consumes."""
    extra: dict[str, Any] = {"clock": clock} if clock else {}
    deps = ProfilerDeps(reader=reader, registry=registry, publisher=publisher, **extra)
    router = EventRouter()
    router.register(PayloadLandedV1, partial(on_payload_landed, deps=deps))
    return router
