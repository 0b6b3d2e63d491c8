"""Rename candidates between a version's fields and a payload's: the registry's side.

Scoring belongs to ``rename_detection``; this module adapts the registry's fields to it.
"""

from __future__ import annotations

import re

from driftgate.profiler.domain.fields import Fields
from driftgate.profiler.domain.schema_diff import Rename, SchemaDiff
from driftgate.profiler.domain.types_lattice import narrows, widens

_SEPARATORS = re.compile(r"[_\-\s.]")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _normalized(path: str) -> str:
    return _SEPARATORS.sub("", _CAMEL.sub("_", path)).lower()


def same_name_renames(old: Fields, new: Fields, diff: SchemaDiff) -> tuple[Rename, ...]:
    """Candidates whose names differ only by case or separators and whose types are compatible."""
    out: list[Rename] = []
    taken: set[str] = set()
    for removed in diff.removed:
        for added in diff.added:
            if added in taken or _normalized(removed) != _normalized(added):
                continue
            a, b = old[removed].type, new[added].type
            if widens(a, b) or narrows(a, b):
                out.append(Rename(removed, added, 0.9))
                taken.add(added)
                break
    return tuple(out)
