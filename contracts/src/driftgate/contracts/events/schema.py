"""Schema registry events."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from driftgate.contracts.envelope import EventData
from driftgate.contracts.events.payload import SOURCE_ID_PATTERN


class FieldTypeChange(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str
    previous_type: str
    new_type: str


class SchemaDriftDetectedV1(EventData):
    """A payload's inferred schema differs from the source's previous schema."""

    event_name: ClassVar[str] = "schema.drift.detected"

    source_id: str = Field(pattern=SOURCE_ID_PATTERN)
    ingest_id: str = Field(min_length=1, max_length=64)
    previous_version: int = Field(ge=1)
    new_version: int = Field(ge=1)
    added_fields: list[str] = Field(default_factory=list)
    removed_fields: list[str] = Field(default_factory=list)
    type_changes: list[FieldTypeChange] = Field(default_factory=list)
    breaking: bool
    reasons: list[str] = Field(default_factory=list, description="Human-readable verdict reasons")
