"""Schema registry events."""

from __future__ import annotations

from typing import ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from driftgate.contracts.envelope import EventData
from driftgate.contracts.events.payload import SOURCE_ID_PATTERN


class FieldTypeChange(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str
    previous_type: str
    new_type: str


class FieldRename(BaseModel):
    """A removed field paired with an added one: a candidate for a human to confirm."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    old: str
    new: str
    confidence: float = Field(ge=0, le=1)


class RegisteredField(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str = Field(description="Dot path; array elements are `tags[]`, `items[].sku`")
    type: str = Field(description="Type name, `|`-joined for unions (`null|string`)")
    required: bool
    presence_ratio: float = Field(ge=0, le=1)
    null_ratio: float = Field(ge=0, le=1)


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
    # Added compatibly within v1: optional, so older producers and consumers keep working.
    status: str | None = Field(default=None, description="ACTIVE | BREAKING | DEPRECATED")
    compatibility: str | None = Field(
        default=None, description="BACKWARD | FORWARD | FULL | NONE, relative to previous_version"
    )
    policy: str | None = Field(default=None, description="The source's compatibility policy")
    renamed: list[FieldRename] = Field(default_factory=list, description="Rename candidates")


class SchemaVersionRegisteredV1(EventData):
    """A source's registry gained a version (its first, or a schema never seen before)."""

    event_name: ClassVar[str] = "schema.version.registered"

    source_id: str = Field(pattern=SOURCE_ID_PATTERN)
    version: int = Field(ge=1)
    previous_version: int | None = Field(default=None, ge=1)
    ingest_id: str = Field(min_length=1, max_length=64, description="First payload seen with it")
    fingerprint: str = Field(pattern=r"^[0-9a-f]{64}$")
    status: str = Field(description="ACTIVE | BREAKING | DEPRECATED")
    compatibility: str = Field(description="BACKWARD | FORWARD | FULL | NONE")
    policy: str
    fields: list[RegisteredField] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list)
    created_at: AwareDatetime


class SchemaVersionReviewedV1(EventData):
    """A human approved or rejected a schema version (audited)."""

    event_name: ClassVar[str] = "schema.version.reviewed"

    source_id: str = Field(pattern=SOURCE_ID_PATTERN)
    version: int = Field(ge=1)
    decision: str = Field(pattern=r"^(approved|rejected)$")
    reviewer: str = Field(min_length=1, max_length=256)
    note: str = Field(min_length=1, max_length=4096)
    status: str = Field(description="The version's status after the review")
    deprecated_version: int | None = Field(
        default=None, ge=1, description="The formerly ACTIVE version an approval deprecated"
    )
    reviewed_at: AwareDatetime
