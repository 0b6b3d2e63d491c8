"""Backward-compatibility check between two JSON Schemas of the same event version.

A new schema is compatible when it accepts every document the old one accepted and still
declares every field the old one declared, so consumers built on the new schema read events
from old producers, and consumers of the old schema lose nothing. Anything else needs a new
major version of the event.

The check is conservative where deciding is impractical: any changed ``pattern``, ``format``
or ``multipleOf`` counts as narrowing, as does a newly added bound.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Schema = Mapping[str, Any]

_UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
_LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
_ANY: Schema = {}
# Backstop for recursive schemas whose $ref cycles do not line up between old and new.
_MAX_DEPTH = 64


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Human-readable incompatibilities, ``"<json path>: <what changed>"``; empty if compatible."""
    return _Comparison(old, new).compare(old, new, "", frozenset())


@dataclass(frozen=True)
class _Resolved:
    schema: Schema
    refs: tuple[str, ...]


@dataclass(frozen=True)
class _Member:
    """One alternative of a union: as written (so $ref cycles stay visible) and resolved."""

    raw: Any
    schema: Schema


class _Comparison:
    def __init__(self, old_root: Schema, new_root: Schema) -> None:
        self.old_root = old_root
        self.new_root = new_root

    def compare(self, old: Any, new: Any, path: str, seen: frozenset[tuple[str, str]]) -> list[str]:
        old_r = _resolve(self.old_root, old)
        new_r = _resolve(self.new_root, new)
        # Recursive $refs: a pair already being compared up the stack is assumed compatible.
        pairs = {(o, n) for o in old_r.refs for n in new_r.refs}
        if pairs & seen or path.count(".") + path.count("[") > _MAX_DEPTH:
            return []
        seen = seen | pairs
        old_members = _members(self.old_root, old_r.schema)
        new_members = _members(self.new_root, new_r.schema)
        if old_members is None and new_members is None:
            return self._compare_single(old_r.schema, new_r.schema, path, seen)
        return self._compare_union(
            old_members or [_Member(old, old_r.schema)],
            new_members or [_Member(new, new_r.schema)],
            path,
            seen,
        )

    def _compare_union(
        self,
        old_members: list[_Member],
        new_members: list[_Member],
        path: str,
        seen: frozenset[tuple[str, str]],
    ) -> list[str]:
        problems: list[str] = []
        for member in old_members:
            attempts = [self.compare(member.raw, other.raw, path, seen) for other in new_members]
            if any(not found for found in attempts):
                continue
            related = [
                found
                for other, found in zip(new_members, attempts, strict=True)
                if _types_overlap(member.schema, other.schema)
            ]
            if related:
                closest: list[str] = min(related, key=len)
                problems.extend(closest)
            elif _types(member.schema) == {"null"}:
                problems.append(_at(path, "nullable became non-null (null no longer accepted)"))
            else:
                problems.append(_at(path, f"union member removed: {_describe(member.schema)}"))
        return problems

    def _compare_single(
        self, old: Schema, new: Schema, path: str, seen: frozenset[tuple[str, str]]
    ) -> list[str]:
        if old.get("not") == _ANY:
            return []  # the old schema accepted nothing, so nothing can break
        if new.get("not") == _ANY:
            return [_at(path, "schema no longer accepts any value")]
        problems = _type_problems(old, new, path)
        problems += _value_problems(old, new, path)
        problems += _string_problems(old, new, path)
        problems += _bound_problems(old, new, path)
        problems += self._object_problems(old, new, path, seen)
        problems += self._array_problems(old, new, path, seen)
        return problems

    def _object_problems(
        self, old: Schema, new: Schema, path: str, seen: frozenset[tuple[str, str]]
    ) -> list[str]:
        problems: list[str] = []
        old_props: Mapping[str, Any] = old.get("properties", {})
        new_props: Mapping[str, Any] = new.get("properties", {})
        new_extra = new.get("additionalProperties", True)
        free_form = "properties" not in new and new_extra is not False
        added = sorted(set(new_props) - set(old_props))
        for name, old_prop in old_props.items():
            child = _join(path, name)
            if name in new_props:
                problems += self.compare(old_prop, new_props[name], child, seen)
            elif free_form:
                extra = new_extra if isinstance(new_extra, Mapping) else _ANY
                problems += self.compare(old_prop, extra, child, seen)
            else:
                hint = f" (renamed to {added[0]!r}?)" if len(added) == 1 else ""
                problems.append(_at(child, f"property removed{hint}"))

        old_required = set(old.get("required", ()))
        for name in sorted(set(new.get("required", ())) - old_required):
            what = "field became required" if name in old_props else "new required field"
            problems.append(_at(_join(path, name), what))

        old_extra = old.get("additionalProperties", True)
        if old_extra is not False:
            if new_extra is False:
                problems.append(_at(path, "additionalProperties tightened to false"))
            elif isinstance(new_extra, Mapping):
                old_schema = old_extra if isinstance(old_extra, Mapping) else _ANY
                problems += self.compare(old_schema, new_extra, _join(path, "*"), seen)
        return problems

    def _array_problems(
        self, old: Schema, new: Schema, path: str, seen: frozenset[tuple[str, str]]
    ) -> list[str]:
        problems: list[str] = []
        if "items" in new:
            problems += self.compare(old.get("items", _ANY), new["items"], f"{path}[]", seen)
        old_prefix: list[Any] = list(old.get("prefixItems", ()))
        for index, new_item in enumerate(new.get("prefixItems", ())):
            old_item = old_prefix[index] if index < len(old_prefix) else old.get("items", _ANY)
            problems += self.compare(old_item, new_item, f"{path}[{index}]", seen)
        return problems


def _resolve(root: Schema, node: Any) -> _Resolved:
    """Follow local ``$ref``s and merge ``allOf`` into one mapping; sibling keywords are kept."""
    if node is True:
        return _Resolved(_ANY, ())
    if node is False:
        return _Resolved({"not": {}}, ())
    schema: dict[str, Any] = dict(node)
    refs: list[str] = []
    while "$ref" in schema:
        ref = schema.pop("$ref")
        if ref in refs:
            break
        refs.append(ref)
        target = _pointer(root, ref)
        schema = {**target, **schema}
    if "allOf" in schema:
        parts = [_resolve(root, part) for part in schema.pop("allOf")]
        for part in parts:
            refs.extend(part.refs)
            schema = _merge(schema, part.schema)
    return _Resolved(schema, tuple(refs))


def _pointer(root: Schema, ref: str) -> Schema:
    if not ref.startswith("#"):
        raise ValueError(f"only local $refs are supported, got {ref!r}")
    target: Any = root
    for token in filter(None, ref[1:].split("/")):
        target = target[token.replace("~1", "/").replace("~0", "~")]
    if not isinstance(target, Mapping):
        raise TypeError(f"$ref {ref!r} does not point at a schema object")
    return target


def _merge(left: Schema, right: Schema) -> dict[str, Any]:
    merged = {**left, **right}
    if "properties" in left and "properties" in right:
        merged["properties"] = {**left["properties"], **right["properties"]}
    if "required" in left and "required" in right:
        merged["required"] = sorted(set(left["required"]) | set(right["required"]))
    return merged


def _members(root: Schema, schema: Schema) -> list[_Member] | None:
    """The alternatives of a union (``anyOf``/``oneOf``, flattened), or None if not a union."""
    for keyword in ("anyOf", "oneOf"):
        if keyword in schema:
            siblings = {k: v for k, v in schema.items() if k != keyword}
            members: list[_Member] = []
            for option in schema[keyword]:
                raw = {**siblings, **option} if isinstance(option, Mapping) else option
                resolved = _resolve(root, raw).schema
                members.extend(_members(root, resolved) or [_Member(raw, resolved)])
            return members
    return None


def _types(schema: Schema) -> set[str] | None:
    """The JSON types a schema admits, or None when it does not restrict the type."""
    declared = schema.get("type")
    if declared is None:
        return None
    return {declared} if isinstance(declared, str) else set(declared)


def _admits(types: set[str], json_type: str) -> bool:
    return json_type in types or (json_type == "integer" and "number" in types)


def _types_overlap(old: Schema, new: Schema) -> bool:
    old_types, new_types = _types(old), _types(new)
    if old_types is None or new_types is None:
        return True
    return any(_admits(new_types, t) for t in old_types)


def _type_problems(old: Schema, new: Schema, path: str) -> list[str]:
    old_types, new_types = _types(old), _types(new)
    if new_types is None:
        return []
    if old_types is None:
        return [_at(path, f"type narrowed from any to {_names(new_types)}")]
    lost = {t for t in old_types if not _admits(new_types, t)}
    if not lost:
        return []
    if lost == {"null"}:
        return [_at(path, "nullable became non-null (null no longer accepted)")]
    return [_at(path, f"type narrowed from {_names(old_types)} to {_names(new_types)}")]


def _allowed_values(schema: Schema) -> list[Any] | None:
    if "const" in schema:
        return [schema["const"]]
    if "enum" in schema:
        return list(schema["enum"])
    return None


def _value_problems(old: Schema, new: Schema, path: str) -> list[str]:
    new_values = _allowed_values(new)
    if new_values is None:
        return []
    old_values = _allowed_values(old)
    shown = ", ".join(_show(v) for v in new_values)
    if old_values is None:
        return [_at(path, f"values restricted to [{shown}]")]
    kept = {_key(v) for v in new_values}
    removed = [v for v in old_values if _key(v) not in kept]
    if not removed:
        return []
    if len(old_values) == 1 and len(new_values) == 1:
        return [_at(path, f"value changed from {_show(old_values[0])} to {shown}")]
    return [_at(path, f"enum values removed: {', '.join(_show(v) for v in removed)}")]


def _string_problems(old: Schema, new: Schema, path: str) -> list[str]:
    problems: list[str] = []
    for keyword in ("format", "pattern"):
        if keyword in new and new[keyword] != old.get(keyword):
            before = _show(old[keyword]) if keyword in old else "none"
            problems.append(_at(path, f"{keyword} changed from {before} to {_show(new[keyword])}"))
    return problems


def _bound_problems(old: Schema, new: Schema, path: str) -> list[str]:
    problems: list[str] = []
    for keyword in (*_UPPER_BOUNDS, *_LOWER_BOUNDS):
        if keyword not in new:
            continue
        before = old.get(keyword)
        upper = keyword in _UPPER_BOUNDS
        if before is None or (new[keyword] < before if upper else new[keyword] > before):
            shown = "none" if before is None else _show(before)
            problems.append(_at(path, f"{keyword} tightened from {shown} to {_show(new[keyword])}"))
    if "multipleOf" in new:
        before = old.get("multipleOf")
        if before is None or before % new["multipleOf"] != 0:
            problems.append(_at(path, f"multipleOf changed to {_show(new['multipleOf'])}"))
    if new.get("uniqueItems") is True and old.get("uniqueItems") is not True:
        problems.append(_at(path, "items must now be unique"))
    return problems


def _describe(schema: Schema) -> str:
    if "const" in schema:
        return f"const {_show(schema['const'])}"
    types = _types(schema)
    if types is None:
        return str(schema.get("title", "any"))
    title = schema.get("title")
    return f"{_names(types)} ({title})" if title and "object" in types else _names(types)


def _names(types: set[str]) -> str:
    return "|".join(sorted(types))


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _at(path: str, message: str) -> str:
    return f"{path or '<root>'}: {message}"
