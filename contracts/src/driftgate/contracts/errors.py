"""Errors raised by the contracts package."""


class ContractError(Exception):
    """Base of every contracts error."""


class UnknownEventTypeError(ContractError):
    """The event's ``type`` is not one this build understands (a newer major version, say)."""


class InvalidEventError(ContractError):
    """The bytes are not a valid CloudEvent for a known type."""
