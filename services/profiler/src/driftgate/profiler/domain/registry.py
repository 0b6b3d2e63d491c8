"""Registry entries: one immutable version per distinct schema of a source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from driftgate.profiler.domain.inference import Schema
from driftgate.profiler.domain.schema_diff import SchemaDiff


@dataclass(frozen=True)
class SchemaVersion:
    source_id: str
    version: int
    fields: Schema
    fingerprint: str
    created_at: datetime
    created_by_ingest: str
    diff: SchemaDiff | None = None
    """Diff against the previous version; None for a source's first version."""

    @property
    def sort_key(self) -> str:
        return version_sort_key(self.version)


def version_sort_key(version: int) -> str:
    # Zero-padded so that DynamoDB's lexical sort is chronological.
    return f"v#{version:09d}"
