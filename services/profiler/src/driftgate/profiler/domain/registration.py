"""Finding or creating the schema version of a payload, safe against racing profilers.

Equal schemas (same fingerprint) share one version. A new schema gets the next number through
a conditional write; a profiler that loses the race re-reads the history and either finds the
winner's version (same schema) or tries the next number. Because every write follows a
strongly consistent read, and numbers are never reused, one schema yields exactly one version.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from driftgate.profiler.domain.compatibility import CompatibilityPolicy
from driftgate.profiler.domain.fields import Fields, fingerprint_fields
from driftgate.profiler.domain.registry import SchemaVersion, active_of
from driftgate.profiler.domain.schema_diff import Rename, SchemaDiff, diff_fields
from driftgate.profiler.domain.status import VersionStatus
from driftgate.profiler.domain.verdicts import judge
from driftgate.profiler.errors import RegistryConflictError

MAX_ATTEMPTS = 25

RenameFinder = Callable[[Fields, Fields, SchemaDiff], tuple[Rename, ...]]


class VersionStore(Protocol):
    async def history(self, source_id: str) -> list[SchemaVersion]: ...

    async def create(self, version: SchemaVersion, deprecate: SchemaVersion | None) -> None: ...


@dataclass(frozen=True)
class Registration:
    version: SchemaVersion
    created: bool
    """This call created the version (False: an existing version matched)."""
    deprecated: SchemaVersion | None = None


async def register(
    store: VersionStore,
    *,
    source_id: str,
    fields: Fields,
    ingest_id: str,
    policy: CompatibilityPolicy,
    find_renames: RenameFinder,
    now: datetime,
) -> Registration:
    """The version ``fields`` belongs to, created (and judged) if the schema is new."""
    fp = fingerprint_fields(fields)
    for _ in range(MAX_ATTEMPTS):
        history = await store.history(source_id)
        existing = next((v for v in history if v.fingerprint == fp), None)
        if existing is not None:
            return Registration(existing, created=False)
        active = active_of(history)
        diff: SchemaDiff | None = None
        if active is not None:
            diff = diff_fields(active.fields, fields)
            diff = diff.with_renames(find_renames(active.fields, fields, diff))
        verdict = judge(
            fields,
            diff,
            active.baseline() if active else None,
            [v.baseline() for v in history if v.accepted],
            policy,
        )
        promoted = verdict.status is VersionStatus.ACTIVE
        version = SchemaVersion(
            source_id=source_id,
            version=history[-1].version + 1 if history else 1,
            fields=dict(fields),
            fingerprint=fp,
            created_at=now,
            created_by_ingest=ingest_id,
            status=verdict.status,
            compatibility=verdict.compatibility,
            diff=diff,
            previous_version=active.version if active else None,
            reasons=verdict.reasons,
            promoted_at=now if promoted else None,
        )
        deprecate = active if promoted else None
        try:
            await store.create(version, deprecate)
        except RegistryConflictError:
            continue
        return Registration(version, created=True, deprecated=deprecate)
    raise RegistryConflictError(f"{source_id}: registry kept changing under {MAX_ATTEMPTS} tries")
