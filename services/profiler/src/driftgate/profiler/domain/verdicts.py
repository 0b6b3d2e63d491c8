"""The registry's verdict on a new schema version: its status, compatibility and reasons."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from driftgate.profiler.domain.compatibility import (
    Compatibility,
    CompatibilityPolicy,
    relation,
    violations,
)
from driftgate.profiler.domain.fields import Fields
from driftgate.profiler.domain.schema_diff import SchemaDiff
from driftgate.profiler.domain.status import VersionStatus
from driftgate.profiler.domain.types_lattice import widens


@dataclass(frozen=True)
class Baseline:
    """An accepted version the new one is judged against."""

    version: int
    fields: Fields

    @property
    def label(self) -> str:
        return f"v{self.version}"


@dataclass(frozen=True)
class Verdict:
    status: VersionStatus
    compatibility: Compatibility
    """How the new version relates to the current ACTIVE one (FULL for a source's first)."""
    violations: tuple[str, ...]
    """Why the version breaks its source's policy; empty unless BREAKING."""
    reasons: tuple[str, ...]
    """Every human-readable reason: violations first, then compatible changes."""

    @property
    def breaking(self) -> bool:
        return self.status is VersionStatus.BREAKING


def judge(
    new: Fields,
    diff: SchemaDiff | None,
    active: Baseline | None,
    accepted: Sequence[Baseline],
    policy: CompatibilityPolicy,
) -> Verdict:
    """Judge ``new`` against the ACTIVE version (or every accepted one, for TRANSITIVE policies)."""
    if active is None or diff is None:
        return Verdict(VersionStatus.ACTIVE, Compatibility.FULL, (), ("first version of source",))
    baselines = list(accepted) if policy.transitive else [active]
    if active not in baselines:
        baselines.append(active)
    found: list[str] = []
    for base in sorted(baselines, key=lambda b: -b.version):
        found += [
            v for v in violations(policy.base, base.fields, new, base.label) if v not in found
        ]
    reasons = found + [r for r in _change_reasons(diff, active) if r not in found]
    status = VersionStatus.BREAKING if found else VersionStatus.ACTIVE
    return Verdict(status, relation(active.fields, new), tuple(found), tuple(reasons))


def _change_reasons(diff: SchemaDiff, active: Baseline) -> list[str]:
    """Compatible (or policy-tolerated) changes, described for the drift report."""
    out: list[str] = []
    for path in diff.removed:
        kind = "required" if active.fields[path].required else "optional"
        out.append(f"removed field {path} ({kind} in {active.label})")
    for change in diff.type_changes:
        how = "widening" if widens(change.previous_type, change.new_type) else "not a widening"
        out.append(
            f"changed type of {change.field} from {change.previous_type} to {change.new_type}"
            f" ({how})"
        )
    out += [
        f"field {path} became optional (required in {active.label})"
        for path in diff.became_optional
    ]
    out += [
        f"possible rename of {r.old} to {r.new} (confidence {r.confidence:.2f})"
        for r in diff.renamed
    ]
    out += [f"added field {path}" for path in diff.added]
    return out
