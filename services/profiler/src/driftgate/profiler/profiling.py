"""Turning a payload's bytes into a profile (runs in a worker thread)."""

from __future__ import annotations

from collections.abc import Callable

from driftgate.contracts.events import PayloadLandedV1
from driftgate.profiler.domain.field_walk import profile_records
from driftgate.profiler.domain.inference import parse_json_records
from driftgate.profiler.domain.profile import PayloadProfile

ProfileFn = Callable[[bytes, PayloadLandedV1], PayloadProfile]


def profile_payload(data: bytes, landed: PayloadLandedV1) -> PayloadProfile:
    """Profile a JSON payload (one object or an array of objects)."""
    return profile_records(parse_json_records(data))
