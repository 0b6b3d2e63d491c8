"""CloudEvents 1.0 structured-mode envelope.

The envelope is transport metadata; the `data` models in `events/` never know about it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, Generic, Literal, Self, TypeVar

import orjson
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

DataT = TypeVar("DataT", bound="EventData")

SPEC_VERSION: Literal["1.0"] = "1.0"
SCHEMA_BASE_URI = "https://schemas.driftgate.dev/events/"
TYPE_PREFIX = "driftgate."


class EventData(BaseModel):
    """Base for every event payload. Subclasses declare their CloudEvents type and version.

    Readers are tolerant: unknown fields are ignored, because adding an optional field is a
    compatible change within a major version and older consumers must keep working.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    event_name: ClassVar[str]
    """Dotted name without prefix or version, e.g. ``payload.landed``."""
    event_version: ClassVar[int] = 1

    @classmethod
    def event_type(cls) -> str:
        """Full CloudEvents type carrying the major version: ``driftgate.payload.landed.v1``."""
        return f"{TYPE_PREFIX}{cls.event_name}.v{cls.event_version}"

    @classmethod
    def schema_id(cls) -> str:
        """Stable name of this event's committed JSON Schema (also the file stem)."""
        return f"{cls.event_name}.v{cls.event_version}"

    @classmethod
    def dataschema_uri(cls) -> str:
        return f"{SCHEMA_BASE_URI}{cls.schema_id()}.json"

    def filter_attributes(self) -> dict[str, str]:
        """Attributes exposed to SNS subscription filter policies (``source_id``, ``severity``)."""
        out: dict[str, str] = {}
        for name in ("source_id", "severity"):
            value = getattr(self, name, None)
            if value is not None:
                out[name] = str(value)
        return out


def new_event_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


class CloudEvent(BaseModel, Generic[DataT]):
    """A CloudEvents 1.0 event in structured JSON mode, with the distributed-tracing extension.

    Unknown extension attributes are kept (and forwarded), as CloudEvents asks of consumers.
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    specversion: Literal["1.0"] = SPEC_VERSION
    id: str = Field(default_factory=new_event_id, min_length=1, max_length=256)
    source: str = Field(min_length=1, description="URI-reference of the producing service")
    type: str = Field(pattern=r"^driftgate\.[a-z0-9_.]+\.v[0-9]+$")
    time: datetime = Field(default_factory=utcnow)
    subject: str | None = None
    datacontenttype: Literal["application/json"] = "application/json"
    dataschema: str | None = None
    traceparent: str | None = Field(
        default=None, pattern=r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"
    )
    tracestate: str | None = None
    correlationid: str | None = Field(
        default=None, max_length=128, description="Request-scoped id that ties logs together"
    )
    data: DataT

    @field_validator("traceparent")
    @classmethod
    def _w3c_traceparent(cls, value: str | None) -> str | None:
        # The pattern checks the shape; W3C also forbids version ff and all-zero ids.
        if value is not None:
            version, trace_id, span_id, _ = value.split("-")
            if version == "ff" or trace_id == "0" * 32 or span_id == "0" * 16:
                raise ValueError("traceparent is not a valid W3C trace context")
        return value

    @field_validator("time")
    @classmethod
    def _require_timezone(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("time must be timezone-aware (RFC 3339)")
        return value

    @model_validator(mode="after")
    def _type_matches_data(self) -> Self:
        # Otherwise an envelope could announce one event type while carrying another's data.
        expected = type(self.data).event_type()
        if self.type != expected:
            raise ValueError(f"type {self.type!r} does not match its data model ({expected!r})")
        return self

    @classmethod
    def wrap(
        cls,
        data: DataT,
        *,
        source: str,
        subject: str | None = None,
        event_id: str | None = None,
        correlationid: str | None = None,
        traceparent: str | None = None,
        tracestate: str | None = None,
    ) -> CloudEvent[DataT]:
        """Build the envelope for ``data``, deriving ``type`` and ``dataschema`` from its model."""
        parametrized: type[CloudEvent[DataT]] = CloudEvent[type(data)]  # type: ignore[misc,assignment]
        return parametrized(
            id=event_id or new_event_id(),
            source=source,
            type=type(data).event_type(),
            subject=subject,
            dataschema=type(data).dataschema_uri(),
            correlationid=correlationid,
            traceparent=traceparent,
            tracestate=tracestate,
            data=data,
        )

    def with_trace(self, traceparent: str | None, tracestate: str | None) -> CloudEvent[DataT]:
        return self.model_copy(update={"traceparent": traceparent, "tracestate": tracestate})

    def to_json(self) -> bytes:
        return orjson.dumps(self.model_dump(mode="json", exclude_none=True))

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)
