"""The runtime's exception tree. Whether to retry is part of the type, set where it is raised."""

from __future__ import annotations


class DriftgateError(Exception):
    """Base of every driftgate error. ``retryable`` tells consumers whether redelivery can help."""

    retryable: bool = False

    def __init__(self, message: str, *, retryable: bool | None = None) -> None:
        super().__init__(message)
        if retryable is not None:
            self.retryable = retryable


class TransientError(DriftgateError):
    """A dependency failed in a way that may pass: throttling, timeouts, 5xx."""

    retryable = True


class PermanentError(DriftgateError):
    """Retrying cannot help: invalid input, a missing resource, a contract violation."""

    retryable = False


class PublishError(TransientError):
    """An event could not be published."""


class NotReadyError(TransientError):
    """The service cannot serve yet (dependencies unreachable)."""


class PoisonMessageError(PermanentError):
    """A queue message that can never be handled: undecodable, invalid or of an unknown type."""
