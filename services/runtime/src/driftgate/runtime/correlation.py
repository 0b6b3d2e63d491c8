"""The correlation id: one value per request or message, carried by logs across awaits.

A ``ContextVar`` follows the asyncio task that handles the work (tasks copy the context they
were created in), so concurrent requests never see each other's id.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

_CORRELATION_ID: ContextVar[str | None] = ContextVar("driftgate_correlation_id", default=None)


def correlation_id() -> str | None:
    """The correlation id bound in the current context, if any."""
    return _CORRELATION_ID.get()


def new_correlation_id() -> str:
    return uuid.uuid4().hex


def set_correlation_id(value: str) -> Token[str | None]:
    """Bind ``value`` until ``reset_correlation_id(token)``: for hot paths that cannot afford
    a generator-based context manager (``bind_correlation_id`` is the readable form)."""
    return _CORRELATION_ID.set(value)


def reset_correlation_id(token: Token[str | None]) -> None:
    _CORRELATION_ID.reset(token)


@contextmanager
def bind_correlation_id(value: str | None = None) -> Iterator[str]:
    """Bind ``value`` (a fresh id when ``None``) for the duration of the ``with`` block."""
    bound = value or new_correlation_id()
    token = _CORRELATION_ID.set(bound)
    try:
        yield bound
    finally:
        _CORRELATION_ID.reset(token)
