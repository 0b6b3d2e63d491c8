"""Rename candidates between a version's fields and a payload's: the registry's side.

Scoring is ``rename_detection``'s (name similarity and sampled value overlap); this module
feeds it the registry's fields, which keep each field's value samples for exactly this.
"""

from __future__ import annotations

from driftgate.profiler.domain.fields import Fields, FieldSpec
from driftgate.profiler.domain.profile import FieldProfile
from driftgate.profiler.domain.rename_detection import detect_renames
from driftgate.profiler.domain.schema_diff import Rename, SchemaDiff


def _as_profile(path: str, spec: FieldSpec) -> FieldProfile:
    # Only the path, the types and the samples matter to scoring; counts are placeholders.
    return FieldProfile(
        path=path,
        types=frozenset(spec.type.split("|")),
        present=1,
        nulls=0,
        parent_count=1,
        samples=spec.samples,
    )


def find_renames(old: Fields, new: Fields, diff: SchemaDiff) -> tuple[Rename, ...]:
    """Candidates above the reporting threshold, pairing ``diff.removed`` with ``diff.added``."""
    if not diff.removed or not diff.added:
        return ()
    candidates = detect_renames(
        [_as_profile(p, old[p]) for p in diff.removed],
        [_as_profile(p, new[p]) for p in diff.added],
    )
    return tuple(Rename(c.old, c.new, c.confidence) for c in candidates)
