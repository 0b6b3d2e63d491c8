"""The catalogue of every event type this build knows, and parsing by ``type``."""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import ValidationError

from driftgate.contracts.envelope import CloudEvent, EventData
from driftgate.contracts.errors import InvalidEventError, UnknownEventTypeError
from driftgate.contracts.events import (
    AlertRaisedV1,
    JobCallbackV1,
    JobStalledV1,
    JobStatusChangedV1,
    JobSubmittedV1,
    PayloadLandedV1,
    PayloadProfiledV1,
    PayloadRejectedV1,
    SchemaDriftDetectedV1,
    SchemaVersionRegisteredV1,
    SchemaVersionReviewedV1,
)

EVENT_MODELS: tuple[type[EventData], ...] = (
    PayloadLandedV1,
    SchemaDriftDetectedV1,
    AlertRaisedV1,
    JobSubmittedV1,
    JobStatusChangedV1,
    JobStalledV1,
    JobCallbackV1,
    PayloadProfiledV1,
    PayloadRejectedV1,
    SchemaVersionRegisteredV1,
    SchemaVersionReviewedV1,
)

BY_TYPE: dict[str, type[EventData]] = {model.event_type(): model for model in EVENT_MODELS}


def model_for(event_type: str) -> type[EventData]:
    try:
        return BY_TYPE[event_type]
    except KeyError:
        raise UnknownEventTypeError(f"unknown event type {event_type!r}") from None


def parse_event(raw: bytes | str | dict[str, Any]) -> CloudEvent[Any]:
    """Parse a structured-mode CloudEvent, validating ``data`` against the model for its type."""
    try:
        obj = raw if isinstance(raw, dict) else orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidEventError(f"event is not JSON: {exc}") from exc
    if not isinstance(obj, dict):
        raise InvalidEventError("event must be a JSON object")
    event_type = obj.get("type")
    if not isinstance(event_type, str):
        raise InvalidEventError("event has no string 'type' attribute")
    model = model_for(event_type)
    try:
        return CloudEvent[model].model_validate(obj)  # type: ignore[valid-type]
    except ValidationError as exc:
        raise InvalidEventError(f"invalid {event_type} event: {exc}") from exc
