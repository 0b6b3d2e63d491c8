"""The job state machine: SUBMITTED → RUNNING → SUCCEEDED | FAILED, and nothing else."""

from __future__ import annotations

from enum import StrEnum

from driftgate.contracts.events import JobStatus

ALLOWED: dict[JobStatus, tuple[JobStatus, ...]] = {
    JobStatus.SUBMITTED: (JobStatus.RUNNING,),
    JobStatus.RUNNING: (JobStatus.SUCCEEDED, JobStatus.FAILED),
    JobStatus.SUCCEEDED: (),
    JobStatus.FAILED: (),
}
TERMINAL = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED})


class Move(StrEnum):
    """What a requested status means for a job in its current status."""

    TRANSITION = "transition"
    HEARTBEAT = "heartbeat"
    INVALID = "invalid"


def classify_move(current: JobStatus, requested: JobStatus) -> Move:
    """Repeating the current status is a heartbeat; an allowed next status is a transition."""
    if requested == current:
        return Move.HEARTBEAT
    if requested in ALLOWED[current]:
        return Move.TRANSITION
    return Move.INVALID


def allowed_next(current: JobStatus) -> list[str]:
    return [s.value for s in ALLOWED[current]]
