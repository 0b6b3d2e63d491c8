"""Wires adapters to the profiler's handlers. Entrypoints pass real adapters, tests pass fakes."""

from __future__ import annotations

from functools import partial

from driftgate.contracts.events import PayloadLandedV1
from driftgate.profiler.handlers import ProfilerDeps, on_payload_landed
from driftgate.runtime.routing import EventRouter


def bootstrap(deps: ProfilerDeps) -> EventRouter:
    """Return the router that handles every message type the profiler consumes."""
    router = EventRouter()
    router.register(PayloadLandedV1, partial(on_payload_landed, deps=deps))
    return router
