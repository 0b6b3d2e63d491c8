"""Which driftgate service the current task works for.

One process normally runs one service, but local runs and the end-to-end test run every service
in one event loop. Spans and log records take the service name from this context variable so
they stay attributable even though the process-wide tracer provider and root logger are shared.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_SERVICE: ContextVar[str | None] = ContextVar("driftgate_service", default=None)


def current_service() -> str | None:
    """The service bound in the current context, if any."""
    return _SERVICE.get()


@contextmanager
def bind_service(name: str) -> Iterator[str]:
    """Attribute work done inside the ``with`` block (and tasks it creates) to ``name``."""
    token = _SERVICE.set(name)
    try:
        yield name
    finally:
        _SERVICE.reset(token)


def set_service(name: str) -> None:
    """Bind ``name`` in the current context for good (used in freshly copied task contexts)."""
    _SERVICE.set(name)
