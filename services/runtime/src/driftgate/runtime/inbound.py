"""Decode an SQS message body into a CloudEvent, whether SNS wrapped it or delivered it raw."""

from __future__ import annotations

from typing import Any

import orjson

from driftgate.contracts import CloudEvent, ContractError, parse_event
from driftgate.runtime.errors import PoisonMessageError

_SNS_NOTIFICATION = "Notification"


def unwrap_body(body: str | bytes) -> dict[str, Any]:
    """The CloudEvent JSON object inside ``body``, unwrapping an SNS notification if present."""
    obj = _json_object(body, "message body")
    if obj.get("Type") == _SNS_NOTIFICATION and "Message" in obj:
        inner = obj["Message"]
        if not isinstance(inner, str):
            raise PoisonMessageError("SNS notification 'Message' is not a string")
        return _json_object(inner, "SNS notification message")
    return obj


def decode_body(body: str | bytes) -> CloudEvent[Any]:
    """Parse an SQS body into a typed CloudEvent; anything that cannot ever parse is poison."""
    obj = unwrap_body(body)
    try:
        return parse_event(obj)
    except ContractError as exc:
        raise PoisonMessageError(f"not a valid driftgate event: {exc}") from exc


def _json_object(raw: str | bytes, what: str) -> dict[str, Any]:
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise PoisonMessageError(f"{what} is not JSON: {exc}") from exc
    if not isinstance(obj, dict):
        raise PoisonMessageError(f"{what} is not a JSON object")
    return obj
