"""Timeouts (Step Functions' TimeoutSeconds and HeartbeatSeconds) and stall detection.

An overdue RUNNING job is moved to FAILED "timed out" through the same conditional write as
any other transition, so a worker's SUCCEEDED racing the sweeper cannot both win. A SUBMITTED
job past its start deadline raises ``job.stalled.v1`` once (flag and event in one transaction).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from driftgate.contracts.events import JobStalledV1, JobStatus
from driftgate.runtime.periodic import Periodic
from driftgate.status.errors import TransitionConflictError
from driftgate.status.publishing import outbox_item
from driftgate.status.transitions import StatusReport, TransitionDeps, transition_from

log = logging.getLogger(__name__)
TIMED_OUT = "timed out"
SWEEPER_ACTOR = "sweeper"


@dataclass(frozen=True)
class SweepResult:
    timed_out: list[str]
    stalled: list[str]


async def sweep_once(deps: TransitionDeps) -> SweepResult:
    now = deps.clock()
    timed_out: list[str] = []
    for job in await deps.store.jobs_in_status(JobStatus.RUNNING):
        if not job.overdue(now):
            continue
        report = StatusReport(job.job_id, JobStatus.FAILED, TIMED_OUT, SWEEPER_ACTOR)
        try:
            await transition_from(job, report, now, deps)
        except TransitionConflictError:
            continue  # it moved (finished, say) since we read it: nothing to time out
        log.warning("job timed out", extra={"job_id": job.job_id, "job_type": job.job_type})
        timed_out.append(job.job_id)
    stalled: list[str] = []
    for job in await deps.store.jobs_in_status(JobStatus.SUBMITTED):
        if not job.stalled(now):
            continue
        data = JobStalledV1(
            job_id=job.job_id,
            job_type=job.job_type,
            submitted_at=job.created_at,
            start_deadline_at=job.start_deadline_at,
            detected_at=now,
        )
        item = outbox_item(data, job.job_id, now, None)
        if await deps.store.mark_stalled(job.job_id, now, item):
            log.warning("job stalled", extra={"job_id": job.job_id, "job_type": job.job_type})
            stalled.append(job.job_id)
            await deps.outbox.publish(item)
    return SweepResult(timed_out, stalled)


def sweeper(deps: TransitionDeps, interval: float) -> Periodic:
    """A component running ``sweep_once`` every ``interval`` seconds."""
    return Periodic("sweep", lambda: sweep_once(deps), interval, log)
