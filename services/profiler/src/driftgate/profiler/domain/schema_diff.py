"""What changed between a source's previous schema and a payload's schema."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import orjson

from driftgate.profiler.domain.inference import Schema


@dataclass(frozen=True)
class TypeChange:
    field: str
    previous_type: str
    new_type: str


@dataclass(frozen=True)
class SchemaDiff:
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    type_changes: tuple[TypeChange, ...] = field(default_factory=tuple)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.type_changes)

    @property
    def breaking(self) -> bool:
        """A field that was seen before is missing, or its type changed in a non-widening way."""
        return bool(self.removed) or any(not _widens(c) for c in self.type_changes)

    def reasons(self) -> list[str]:
        out = [f"removed field {name}" for name in self.removed]
        out += [
            f"changed type of {c.field} from {c.previous_type} to {c.new_type}"
            + ("" if _widens(c) else " (not a widening)")
            for c in self.type_changes
        ]
        out += [f"added field {name}" for name in self.added]
        return out


def _widens(change: TypeChange) -> bool:
    old = set(change.previous_type.split("|"))
    new = set(change.new_type.split("|"))
    if "integer" in old and "number" in new:
        old = (old - {"integer"}) | {"number"}
    return old <= new


def diff_schemas(previous: Schema, current: Schema) -> SchemaDiff:
    added = tuple(sorted(current.keys() - previous.keys()))
    removed = tuple(sorted(previous.keys() - current.keys()))
    changes = tuple(
        TypeChange(name, previous[name], current[name])
        for name in sorted(previous.keys() & current.keys())
        if previous[name] != current[name]
    )
    return SchemaDiff(added=added, removed=removed, type_changes=changes)


def fingerprint(schema: Schema) -> str:
    """Stable identity of a schema: equal schemas share one registry version."""
    return hashlib.sha256(orjson.dumps(schema, option=orjson.OPT_SORT_KEYS)).hexdigest()
