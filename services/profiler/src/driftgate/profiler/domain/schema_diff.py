"""What changed between two schemas: fields added, removed, retyped, possibly renamed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import orjson

from driftgate.profiler.domain.fields import Fields
from driftgate.profiler.domain.inference import Schema
from driftgate.profiler.domain.types_lattice import widens


@dataclass(frozen=True)
class TypeChange:
    field: str
    previous_type: str
    new_type: str


@dataclass(frozen=True)
class Rename:
    """A removed field paired with an added one; a candidate, never applied automatically."""

    old: str
    new: str
    confidence: float


@dataclass(frozen=True)
class SchemaDiff:
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    type_changes: tuple[TypeChange, ...] = field(default_factory=tuple)
    renamed: tuple[Rename, ...] = ()
    became_optional: tuple[str, ...] = ()
    """Fields required before and present in only some records now."""
    became_required: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(
            self.added
            or self.removed
            or self.type_changes
            or self.became_optional
            or self.became_required
        )

    @property
    def breaking(self) -> bool:
        """A field seen before is missing, or its type changed in a non-widening way.

        Type-only view; the registry's verdict (``verdicts.judge``) also weighs required-ness
        and the source's compatibility policy.
        """
        return bool(self.removed) or any(
            not widens(c.previous_type, c.new_type) for c in self.type_changes
        )

    def reasons(self) -> list[str]:
        out = [f"removed field {name}" for name in self.removed]
        out += [
            f"changed type of {c.field} from {c.previous_type} to {c.new_type}"
            + ("" if widens(c.previous_type, c.new_type) else " (not a widening)")
            for c in self.type_changes
        ]
        out += [f"added field {name}" for name in self.added]
        return out

    def with_renames(self, renames: tuple[Rename, ...]) -> SchemaDiff:
        return SchemaDiff(
            added=self.added,
            removed=self.removed,
            type_changes=self.type_changes,
            renamed=renames,
            became_optional=self.became_optional,
            became_required=self.became_required,
        )


def diff_schemas(previous: Schema, current: Schema) -> SchemaDiff:
    """Diff of path→type schemas (no presence information)."""
    added = tuple(sorted(current.keys() - previous.keys()))
    removed = tuple(sorted(previous.keys() - current.keys()))
    changes = tuple(
        TypeChange(name, previous[name], current[name])
        for name in sorted(previous.keys() & current.keys())
        if previous[name] != current[name]
    )
    return SchemaDiff(added=added, removed=removed, type_changes=changes)


def diff_fields(previous: Fields, current: Fields) -> SchemaDiff:
    """Diff of registered fields, including changes of required-ness."""
    base = diff_schemas(
        {p: s.type for p, s in previous.items()}, {p: s.type for p, s in current.items()}
    )
    kept = sorted(previous.keys() & current.keys())
    return SchemaDiff(
        added=base.added,
        removed=base.removed,
        type_changes=base.type_changes,
        became_optional=tuple(p for p in kept if previous[p].required and not current[p].required),
        became_required=tuple(p for p in kept if not previous[p].required and current[p].required),
    )


def fingerprint(schema: Schema) -> str:
    """Stable identity of a path→type schema."""
    return hashlib.sha256(orjson.dumps(schema, option=orjson.OPT_SORT_KEYS)).hexdigest()
