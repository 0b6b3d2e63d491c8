"""Profiler's exception tree."""

from __future__ import annotations

from driftgate.runtime.errors import PermanentError, TransientError


class UnreadablePayloadError(PermanentError):
    """The payload cannot be parsed; redelivery cannot help."""


class RegistryConflictError(TransientError):
    """Another profiler wrote the same version first; re-reading the registry resolves it."""


class RegistryUnavailableError(TransientError):
    """The schema registry could not be read or written."""


class PayloadUnavailableError(TransientError):
    """The raw object could not be read."""
