"""Alerts routed to humans."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import AwareDatetime, Field

from driftgate.contracts.envelope import EventData
from driftgate.contracts.events.payload import SOURCE_ID_PATTERN


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


class AlertRaisedV1(EventData):
    """An alert for on-call people and subscribed webhooks."""

    event_name: ClassVar[str] = "alert.raised"

    alert_id: str = Field(min_length=1, max_length=128)
    kind: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="e.g. schema_drift")
    severity: Severity
    source_id: str = Field(pattern=SOURCE_ID_PATTERN)
    title: str = Field(min_length=1, max_length=256)
    detail: str = Field(max_length=4096)
    caused_by_event_id: str
    dedup_key: str = Field(description="Alerts with the same key describe the same condition")
    raised_at: AwareDatetime
