"""Metrics as CloudWatch Embedded Metric Format lines in the service's output, and a fake.

CloudWatch Logs turns each EMF line into a metric datapoint: no PutMetricData calls, no client.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import orjson

NAMESPACE = "driftgate/profiler"


def emf_line(source_id: str, error_kind: str, now_ms: int) -> str:
    return orjson.dumps(
        {
            "_aws": {
                "Timestamp": now_ms,
                "CloudWatchMetrics": [
                    {
                        "Namespace": NAMESPACE,
                        "Dimensions": [["source_id"]],
                        "Metrics": [{"Name": "ProfilingFailures", "Unit": "Count"}],
                    }
                ],
            },
            "source_id": source_id,
            "error_kind": error_kind,
            "ProfilingFailures": 1,
        }
    ).decode()


def _stdout(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class EmfMetrics:
    def __init__(self, write: Callable[[str], None] = _stdout) -> None:
        self._write = write

    def profiling_failure(self, source_id: str, error_kind: str) -> None:
        self._write(emf_line(source_id, error_kind, int(time.time() * 1000)))


@dataclass
class RecordingMetrics:
    failures: list[tuple[str, str]] = field(default_factory=list)

    def profiling_failure(self, source_id: str, error_kind: str) -> None:
        self.failures.append((source_id, error_kind))
