"""Job event models: states, quality verdicts and the callback body."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from driftgate.contracts import CloudEvent, parse_event
from driftgate.contracts.events import (
    JobCallbackV1,
    JobStatus,
    JobStatusChangedV1,
    Quality,
    QualityLevel,
)

AT = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
JOB = "job_01hq3v8k2m9x7c4b5n6p0r1s2t"


def test_status_changed_round_trips_through_the_envelope() -> None:
    data = JobStatusChangedV1(
        job_id=JOB,
        job_type="promote",
        from_status=JobStatus.RUNNING,
        to_status=JobStatus.FAILED,
        message="timed out",
        actor="sweeper",
        version=3,
        changed_at=AT,
        quality=Quality(level=QualityLevel.RED),
    )
    event = CloudEvent.wrap(data, source="/driftgate/status", subject=f"jobs/{JOB}")

    parsed = parse_event(event.to_json())

    assert parsed.type == "driftgate.job.status.changed.v1"
    assert parsed.data == data


def test_callback_rejects_an_unknown_status_and_quality_level() -> None:
    with pytest.raises(ValidationError):
        JobCallbackV1.model_validate({"status": "PAUSED", "occurred_at": AT.isoformat()})
    with pytest.raises(ValidationError):
        JobCallbackV1.model_validate(
            {"status": "RUNNING", "occurred_at": AT.isoformat(), "quality": {"level": "BLUE"}}
        )


def test_callback_requires_a_timezone_and_a_positive_attempt() -> None:
    with pytest.raises(ValidationError):
        JobCallbackV1.model_validate({"status": "RUNNING", "occurred_at": "2026-03-14T09:30:00"})
    with pytest.raises(ValidationError):
        JobCallbackV1.model_validate(
            {"status": "RUNNING", "occurred_at": AT.isoformat(), "attempt": 0}
        )


def test_job_ids_have_one_shape() -> None:
    with pytest.raises(ValidationError):
        JobStatusChangedV1(
            job_id="job-1",
            job_type="promote",
            from_status=JobStatus.SUBMITTED,
            to_status=JobStatus.RUNNING,
            actor="worker",
            version=2,
            changed_at=AT,
        )
