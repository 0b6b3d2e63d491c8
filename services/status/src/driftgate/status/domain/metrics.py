"""Job metrics as CloudWatch Embedded Metric Format (EMF) log lines.

CloudWatch Logs turns each line into metrics without any API call from the service.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

NAMESPACE = "driftgate/jobs"
JOBS_CREATED = "jobs.created"
JOBS_COMPLETED = "jobs.completed"
JOBS_FAILED = "jobs.failed"
JOB_PROCESSING_TIME = "job.processing.time"

Sink = Callable[[str], None]


def emf_record(
    metrics: dict[str, tuple[float, str]], dimensions: dict[str, str], at: datetime
) -> dict[str, Any]:
    """One EMF object: ``metrics`` maps name to (value, unit)."""
    return {
        "_aws": {
            "Timestamp": int(at.timestamp() * 1000),
            "CloudWatchMetrics": [
                {
                    "Namespace": NAMESPACE,
                    "Dimensions": [sorted(dimensions)],
                    "Metrics": [{"Name": n, "Unit": u} for n, (_, u) in metrics.items()],
                }
            ],
        },
        **dimensions,
        **{name: value for name, (value, _) in metrics.items()},
    }


def _stdout(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


@dataclass
class EmfMetrics:
    """Writes EMF lines to ``sink`` (stdout by default, one JSON object per line)."""

    service: str = "status"
    sink: Sink = _stdout

    def emit(self, metrics: dict[str, tuple[float, str]], job_type: str, at: datetime) -> None:
        record = emf_record(metrics, {"service": self.service, "job_type": job_type}, at)
        self.sink(orjson.dumps(record).decode())


@dataclass
class CapturedEmf:
    """A sink that keeps the lines, for tests."""

    lines: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, line: str) -> None:
        self.lines.append(orjson.loads(line))

    def values(self, name: str) -> list[float]:
        return [line[name] for line in self.lines if name in line]
