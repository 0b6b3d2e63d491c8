"""Job control events: submission, status changes, stalls and the workers' signed callbacks."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from driftgate.contracts.envelope import EventData

JOB_ID_PATTERN = r"^job_[a-z0-9]{26}$"
JOB_TYPE_PATTERN = r"^[a-z][a-z0-9_.-]{0,63}$"


class JobStatus(StrEnum):
    SUBMITTED = "SUBMITTED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


class QualityLevel(StrEnum):
    GREEN = "GREEN"
    YELLOW = "YELLOW"
    RED = "RED"


class QualityCheck(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str = Field(min_length=1, max_length=128)
    level: QualityLevel
    detail: str = Field(default="", max_length=1024)


class Quality(BaseModel):
    """The data-quality verdict a job reports with its result."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    level: QualityLevel
    checks: tuple[QualityCheck, ...] = ()


class JobSubmittedV1(EventData):
    """A job was accepted (SUBMITTED); the launcher starts its run on this event."""

    event_name: ClassVar[str] = "job.submitted"

    job_id: str = Field(pattern=JOB_ID_PATTERN)
    job_type: str = Field(pattern=JOB_TYPE_PATTERN)
    params: dict[str, Any] = Field(default_factory=dict)
    submitted_at: AwareDatetime
    start_deadline_at: AwareDatetime
    deadline_at: AwareDatetime
    heartbeat_seconds: int = Field(gt=0)


class JobStatusChangedV1(EventData):
    """A committed transition of a job's status (one per audit entry)."""

    event_name: ClassVar[str] = "job.status.changed"

    job_id: str = Field(pattern=JOB_ID_PATTERN)
    job_type: str = Field(pattern=JOB_TYPE_PATTERN)
    from_status: JobStatus
    to_status: JobStatus
    message: str = Field(default="", max_length=4096)
    actor: str = Field(min_length=1, max_length=128)
    version: int = Field(ge=1, description="The job's version after this transition")
    changed_at: AwareDatetime
    quality: Quality | None = None


class JobStalledV1(EventData):
    """A SUBMITTED job was not started before its start deadline."""

    event_name: ClassVar[str] = "job.stalled"

    job_id: str = Field(pattern=JOB_ID_PATTERN)
    job_type: str = Field(pattern=JOB_TYPE_PATTERN)
    submitted_at: AwareDatetime
    start_deadline_at: AwareDatetime
    detected_at: AwareDatetime


class JobCallbackV1(EventData):
    """What a worker reports about its job, signed with the Standard Webhooks scheme.

    The same status as the job's current one is a heartbeat, not a transition.
    """

    event_name: ClassVar[str] = "job.callback"

    status: JobStatus
    message: str = Field(default="", max_length=4096)
    metrics: dict[str, float] = Field(default_factory=dict)
    quality: Quality | None = None
    occurred_at: AwareDatetime
    attempt: int = Field(default=1, ge=1)
