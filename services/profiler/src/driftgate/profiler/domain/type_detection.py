"""Value → type name, for decoded JSON values and for CSV cells (which are all text).

The patterns are plain enough that Python's ``re`` and Arrow's RE2 read them identically, so
the fast path can apply them column-wise and agree with the per-value reference walk.
"""

from __future__ import annotations

import re
from typing import Any, Final

# ISO-8601 calendar date and date-time. Field ranges are checked (month 01-12, hour 00-23...);
# day-of-month against the month is not (2024-02-30 is a date here), documented as such.
_DATE: Final = r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
_TIME: Final = r"(?:[01][0-9]|2[0-3]):[0-5][0-9](?::(?:[0-5][0-9]|60)(?:[.,][0-9]+)?)?"
_ZONE: Final = r"(?:Z|z|[+-](?:[01][0-9]|2[0-3])(?::?[0-5][0-9])?)?"

DATE_PATTERN: Final = _DATE
TIME_PATTERN: Final = f"{_TIME}{_ZONE}"
"""The part of a timestamp after the date and its ``T``/space separator."""
TIMESTAMP_PATTERN: Final = f"{_DATE}[Tt ]{TIME_PATTERN}"
INTEGER_PATTERN: Final = r"[+-]?[0-9]+"
NUMBER_PATTERN: Final = r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][+-]?[0-9]+)?"
BOOLEAN_PATTERN: Final = r"true|false|True|False|TRUE|FALSE"

_DATE_RE: Final = re.compile(DATE_PATTERN)
_TIMESTAMP_RE: Final = re.compile(TIMESTAMP_PATTERN)
_INTEGER_RE: Final = re.compile(INTEGER_PATTERN)
_NUMBER_RE: Final = re.compile(NUMBER_PATTERN)
_BOOLEAN_RE: Final = re.compile(BOOLEAN_PATTERN)

# Exact type → name; bool must not be looked up through isinstance (it subclasses int).
SCALAR_TYPE_NAMES: Final[dict[type, str]] = {
    type(None): "null",
    bool: "boolean",
    int: "integer",
    float: "number",
    dict: "object",
    list: "array",
}


# The same rules in C (services/profiler/native/cell_rules.h) answer with one bit per class.
CLASS_BITS: Final = (
    (1, "null"),
    (2, "integer"),
    (4, "number"),
    (8, "boolean"),
    (16, "date"),
    (32, "timestamp"),
    (64, "string"),
)


def class_names(bits: int) -> set[str]:
    """The type names of the class bits the native rules return."""
    return {name for bit, name in CLASS_BITS if bits & bit}


def string_type(text: str) -> str:
    """``timestamp``, ``date`` or ``string`` for a JSON string value."""
    # Cheap pre-check: both ISO forms start with four digits and a dash.
    if len(text) >= 10 and text[4] == "-":
        if _DATE_RE.fullmatch(text):
            return "date"
        if _TIMESTAMP_RE.fullmatch(text):
            return "timestamp"
    return "string"


def json_value_type(value: Any) -> str:
    """The type name of one decoded JSON value (orjson/json types)."""
    name = SCALAR_TYPE_NAMES.get(type(value))
    if name is not None:
        return name
    if isinstance(value, str):
        return string_type(value)
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def csv_cell_type(cell: str) -> str:
    """Type a CSV cell: empty is null, then integer, number, boolean, timestamp, date, string."""
    if cell == "":
        return "null"
    if _INTEGER_RE.fullmatch(cell):
        return "integer"
    if _NUMBER_RE.fullmatch(cell):
        return "number"
    if _BOOLEAN_RE.fullmatch(cell):
        return "boolean"
    return string_type(cell)


def render_sample(value: Any) -> str:
    """A scalar value as sample text: booleans as JSON spells them, numbers via repr."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return value
    return repr(value)
