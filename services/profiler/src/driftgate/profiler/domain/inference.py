"""Top-level schema inference: field name → JSON type, with unions where records disagree."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import orjson

from driftgate.profiler.errors import UnreadablePayloadError

Schema = dict[str, str]
"""Field name → type name; unions are ``|``-joined and sorted (``integer|null``)."""


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):  # bool is an int subclass: test it first
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def union(types: Iterable[str]) -> str:
    members = set()
    for t in types:
        members.update(t.split("|"))
    if "integer" in members and "number" in members:
        members.discard("integer")  # every integer is a number: report the wider type
    return "|".join(sorted(members))


def infer_schema(records: Iterable[Mapping[str, Any]]) -> Schema:
    """Merge the top-level field types of every record."""
    seen: dict[str, set[str]] = {}
    for record in records:
        for name, value in record.items():
            seen.setdefault(name, set()).add(json_type(value))
    return {name: union(types) for name, types in sorted(seen.items())}


def parse_json_records(data: bytes) -> list[Mapping[str, Any]]:
    """A JSON payload is one object or an array of objects."""
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise UnreadablePayloadError(f"payload is not valid JSON: {exc}") from exc
    if isinstance(doc, dict):
        return [doc]
    if isinstance(doc, list) and all(isinstance(item, dict) for item in doc):
        if not doc:
            raise UnreadablePayloadError("payload is an empty array: no records to profile")
        return doc
    raise UnreadablePayloadError("payload must be a JSON object or an array of objects")
