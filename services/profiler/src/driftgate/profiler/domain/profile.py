"""What inference produces for one payload: a profile per field path.

This is the seam between inference (readers, type detection, sampling) and the registry
(versioning, verdicts, rename detection). Pure data, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Type names, in the order unions are rendered.
TYPE_NAMES = (
    "null",
    "boolean",
    "integer",
    "number",
    "string",
    "timestamp",
    "date",
    "object",
    "array",
)


@dataclass(frozen=True)
class FieldProfile:
    """One field path: ``user.address.city``, ``tags[]``, ``items[].sku``."""

    path: str
    types: frozenset[str]
    """Observed non-null types plus ``null`` when a null value was seen."""
    present: int
    """Records (or array elements, for paths under ``[]``) in which the path was present."""
    nulls: int
    """Of those, how many held null."""
    parent_count: int
    """How many records/elements could have held the path (denominator of presence)."""
    samples: tuple[str, ...] = ()
    """A bounded, deterministic sample of distinct non-null values, rendered as strings."""

    @property
    def presence_ratio(self) -> float:
        return self.present / self.parent_count if self.parent_count else 0.0

    @property
    def null_ratio(self) -> float:
        return self.nulls / self.present if self.present else 0.0

    @property
    def required(self) -> bool:
        return self.parent_count > 0 and self.present == self.parent_count

    @property
    def type_name(self) -> str:
        """Canonical rendering: ``integer``, ``null|string``; integer folds into number."""
        names = set(self.types)
        if {"integer", "number"} <= names:
            names.discard("integer")
        return "|".join(t for t in TYPE_NAMES if t in names)


@dataclass(frozen=True)
class PayloadProfile:
    record_count: int
    fields: dict[str, FieldProfile] = field(default_factory=dict)

    def schema(self) -> dict[str, str]:
        """Path → canonical type name: what fingerprints and diffs are computed over."""
        return {path: f.type_name for path, f in sorted(self.fields.items())}
