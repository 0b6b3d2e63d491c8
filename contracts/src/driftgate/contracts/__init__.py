"""driftgate event contracts: CloudEvents envelopes around versioned payload models."""

from driftgate.contracts.catalog import BY_TYPE, EVENT_MODELS, model_for, parse_event
from driftgate.contracts.envelope import CloudEvent, EventData
from driftgate.contracts.errors import ContractError, InvalidEventError, UnknownEventTypeError

__all__ = [
    "BY_TYPE",
    "EVENT_MODELS",
    "CloudEvent",
    "ContractError",
    "EventData",
    "InvalidEventError",
    "UnknownEventTypeError",
    "model_for",
    "parse_event",
]
