"""How inferred types relate: widening, narrowing and nullability."""

from __future__ import annotations

_STRING_FORMATS = frozenset({"timestamp", "date"})


def members(type_name: str) -> frozenset[str]:
    """Members of a union type name; ``integer`` is promoted when ``number`` is present."""
    names = set(type_name.split("|")) - {""}
    if {"integer", "number"} <= names:
        names.discard("integer")
    return frozenset(names)


def _covered(value_types: frozenset[str], by: frozenset[str]) -> bool:
    """Every value of ``value_types`` is a valid value of ``by`` (an integer is a number)."""
    for t in value_types:
        if t in by or (t == "integer" and "number" in by):
            continue
        if t in _STRING_FORMATS and "string" in by:  # a timestamp or date is a string too
            continue
        return False
    return True


def widens(old: str, new: str) -> bool:
    """Every value valid under ``old`` is valid under ``new``: equal, integer→number, T→T|null."""
    return _covered(members(old), members(new))


def narrows(old: str, new: str) -> bool:
    """Readers expecting ``old`` can read values of ``new``; gaining null counts as compatible
    because nullability is reported separately and every inferred field may be absent."""
    return _covered(members(new) - {"null"}, members(old))
