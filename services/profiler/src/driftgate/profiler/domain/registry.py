"""Registry entries: one version per distinct schema of a source, never deleted."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from driftgate.profiler.domain.compatibility import Compatibility
from driftgate.profiler.domain.fields import FieldSpec
from driftgate.profiler.domain.schema_diff import SchemaDiff
from driftgate.profiler.domain.status import ReviewDecision, VersionStatus
from driftgate.profiler.domain.verdicts import Baseline


@dataclass(frozen=True)
class Review:
    """An audited human decision on a version."""

    decision: ReviewDecision
    reviewer: str
    note: str
    at: datetime


@dataclass(frozen=True)
class SchemaVersion:
    source_id: str
    version: int
    fields: dict[str, FieldSpec]
    fingerprint: str
    created_at: datetime
    created_by_ingest: str
    status: VersionStatus = VersionStatus.ACTIVE
    compatibility: Compatibility = Compatibility.FULL
    diff: SchemaDiff | None = None
    """Diff against the ACTIVE version it was judged against; None for a source's first."""
    previous_version: int | None = None
    """The ACTIVE version it was judged against."""
    reasons: tuple[str, ...] = ()
    promoted_at: datetime | None = None
    """When it became ACTIVE (at creation, or when a human approved it)."""
    payload_count: int = 0
    reviews: tuple[Review, ...] = field(default_factory=tuple)

    @property
    def sort_key(self) -> str:
        return version_sort_key(self.version)

    @property
    def accepted(self) -> bool:
        """Part of the history consumers rely on (TRANSITIVE policies check against these)."""
        return self.status in (VersionStatus.ACTIVE, VersionStatus.DEPRECATED)

    def baseline(self) -> Baseline:
        return Baseline(self.version, self.fields)

    def schema(self) -> dict[str, str]:
        return {path: spec.type for path, spec in self.fields.items()}

    def with_status(self, status: VersionStatus, at: datetime | None = None) -> SchemaVersion:
        promoted = at if status is VersionStatus.ACTIVE else self.promoted_at
        return replace(self, status=status, promoted_at=promoted)


def version_sort_key(version: int) -> str:
    # Zero-padded so that DynamoDB's lexical sort is chronological (numbers only ever grow).
    return f"v#{version:09d}"


def active_of(history: list[SchemaVersion]) -> SchemaVersion | None:
    """The source's ACTIVE version (the latest one, should history ever hold two)."""
    active = [v for v in history if v.status is VersionStatus.ACTIVE]
    return active[-1] if active else None
