"""Profiler settings (env prefix ``DRIFTGATE_PROFILER_``)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ProfilerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DRIFTGATE_PROFILER_", extra="ignore")

    health_port: int = Field(default=8082, ge=0, le=65535)
    max_concurrency: int = Field(default=4, ge=1)
    max_record_bytes: int = Field(
        default=64 * 1024 * 1024,
        # Above the CSV block plus one read chunk, so the bound holds exactly for every format.
        ge=16 * 1024 * 1024,
        description=(
            "The longest single record (JSON object, NDJSON line, CSV row) the profiler holds "
            "in memory; payloads stream whatever their size, a longer record is rejected"
        ),
    )
