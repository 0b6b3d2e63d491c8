"""Routing events to one async handler per event type, so services register plain functions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from driftgate.contracts import CloudEvent, EventData
from driftgate.runtime.errors import PermanentError

EventHandler = Callable[[CloudEvent[Any]], Awaitable[None]]
H = TypeVar("H", bound=EventHandler)


class UnroutableEventError(PermanentError):
    """No handler is registered for the event's type on this consumer."""


class EventRouter:
    """Dispatches each event to the handler registered for its type; itself an EventHandler."""

    def __init__(self) -> None:
        self._routes: dict[str, EventHandler] = {}

    @property
    def event_types(self) -> frozenset[str]:
        return frozenset(self._routes)

    def register(self, event_type: str | type[EventData], handler: EventHandler) -> None:
        key = event_type if isinstance(event_type, str) else event_type.event_type()
        if key in self._routes:
            raise ValueError(f"a handler for {key!r} is already registered")
        self._routes[key] = handler

    def on(self, event_type: str | type[EventData]) -> Callable[[H], H]:
        """Decorator form of ``register``."""

        def decorate(handler: H) -> H:
            self.register(event_type, handler)
            return handler

        return decorate

    async def __call__(self, event: CloudEvent[Any]) -> None:
        handler = self._routes.get(event.type)
        if handler is None:
            raise UnroutableEventError(f"no handler for event type {event.type!r}")
        await handler(event)
