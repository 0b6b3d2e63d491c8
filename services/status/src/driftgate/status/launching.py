"""On ``job.submitted.v1``, start the job's run through the launcher port, once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from driftgate.contracts import CloudEvent
from driftgate.contracts.events import JobStatus, JobSubmittedV1
from driftgate.runtime.routing import EventRouter
from driftgate.status.ports import JobLauncher, JobStore, LaunchRequest

log = logging.getLogger(__name__)


def launch_handler(
    store: JobStore,
    launcher: JobLauncher,
    callback_base_url: Callable[[], str],
    secret_ref: str,
) -> EventRouter:
    """The launcher queue's handler; redeliveries and already-started jobs are no-ops."""
    router = EventRouter()

    @router.on(JobSubmittedV1)
    async def on_submitted(event: CloudEvent[Any]) -> None:
        data: JobSubmittedV1 = event.data
        job = await store.get(data.job_id)
        if job is None or job.status != JobStatus.SUBMITTED or job.run_id is not None:
            return
        base = callback_base_url().rstrip("/")
        run_id = await launcher.launch(
            LaunchRequest(
                job_id=job.job_id,
                job_type=job.job_type,
                params=job.params,
                callback_url=f"{base}/internal/jobs/{job.job_id}/status",
                secret_ref=secret_ref,
            )
        )
        await store.set_run(job.job_id, run_id)
        log.info("job launched", extra={"job_id": job.job_id, "run_id": run_id})

    return router
