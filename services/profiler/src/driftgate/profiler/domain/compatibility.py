"""Confluent's compatibility meanings, adapted to schemas inferred from data.

- BACKWARD: the new schema reads data written under the old one. Every kept field's type
  widens (integer→number, T→T|null), and no field the old version had as required is missing.
- FORWARD: readers of the old schema read the new data. Every kept field's type narrows (or
  only gains null), and no field the old version had as required is missing.
- FULL: both. NONE: nothing is checked.
- New fields are additive in every mode: older partitions read them as null.
- ``*_TRANSITIVE`` checks against every accepted (ACTIVE or DEPRECATED) version, not just the
  current ACTIVE one.
"""

from __future__ import annotations

from enum import StrEnum

from driftgate.profiler.domain.fields import Fields
from driftgate.profiler.domain.types_lattice import narrows, widens


class Compatibility(StrEnum):
    BACKWARD = "BACKWARD"
    FORWARD = "FORWARD"
    FULL = "FULL"
    NONE = "NONE"


class CompatibilityPolicy(StrEnum):
    BACKWARD = "BACKWARD"
    BACKWARD_TRANSITIVE = "BACKWARD_TRANSITIVE"
    FORWARD = "FORWARD"
    FORWARD_TRANSITIVE = "FORWARD_TRANSITIVE"
    FULL = "FULL"
    FULL_TRANSITIVE = "FULL_TRANSITIVE"
    NONE = "NONE"

    @property
    def base(self) -> Compatibility:
        return Compatibility(self.value.removesuffix("_TRANSITIVE"))

    @property
    def transitive(self) -> bool:
        return self.value.endswith("_TRANSITIVE")


DEFAULT_POLICY = CompatibilityPolicy.BACKWARD


def _removed_required(old: Fields, new: Fields, label: str) -> list[str]:
    return [
        f"removed field {path} (required in {label})"
        for path, spec in old.items()
        if spec.required and path not in new
    ]


def backward_violations(old: Fields, new: Fields, label: str) -> list[str]:
    """Why ``new`` cannot read data written under ``old``; empty when it can."""
    out = _removed_required(old, new, label)
    out += [
        f"changed type of {path} from {old[path].type} to {new[path].type} (not a widening)"
        for path in sorted(old.keys() & new.keys())
        if not widens(old[path].type, new[path].type)
    ]
    return out


def forward_violations(old: Fields, new: Fields, label: str) -> list[str]:
    """Why readers of ``old`` cannot read data written under ``new``; empty when they can."""
    out = _removed_required(old, new, label)
    out += [
        f"changed type of {path} from {old[path].type} to {new[path].type}"
        f" (readers of {label} cannot read it)"
        for path in sorted(old.keys() & new.keys())
        if not narrows(old[path].type, new[path].type)
    ]
    return out


def violations(mode: Compatibility, old: Fields, new: Fields, label: str) -> list[str]:
    """The reasons ``new`` breaks ``mode`` against ``old``."""
    if mode is Compatibility.NONE:
        return []
    out: list[str] = []
    if mode in (Compatibility.BACKWARD, Compatibility.FULL):
        out += backward_violations(old, new, label)
    if mode in (Compatibility.FORWARD, Compatibility.FULL):
        out += [v for v in forward_violations(old, new, label) if v not in out]
    return out


def relation(old: Fields, new: Fields) -> Compatibility:
    """The strongest compatibility ``new`` actually has with ``old``."""
    back = not backward_violations(old, new, "old")
    fwd = not forward_violations(old, new, "old")
    if back and fwd:
        return Compatibility.FULL
    if back:
        return Compatibility.BACKWARD
    if fwd:
        return Compatibility.FORWARD
    return Compatibility.NONE
