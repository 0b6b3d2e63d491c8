"""Ingest settings (env prefix ``DRIFTGATE_INGEST_``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

MIB = 1024 * 1024


class IngestSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DRIFTGATE_INGEST_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    https_port: int = Field(default=8443, ge=0, le=65535)
    tls_cert_file: Path | None = None
    tls_key_file: Path | None = None
    max_body_bytes: int = Field(default=256 * MIB, gt=0, description="413 once passed")
    read_chunk_bytes: int = Field(
        default=256 * 1024, gt=0, description="largest body chunk handed on at once"
    )
    multipart_threshold_bytes: int = Field(
        default=8 * MIB, gt=0, description="bodies up to this size are one PutObject"
    )
    part_size_bytes: int = Field(
        default=8 * MIB, ge=5 * MIB, description="S3 multipart part size (S3 minimum 5 MiB)"
    )
    rate_limit_per_second: float = Field(default=50.0, gt=0, description="refill per API key")
    rate_limit_burst: int = Field(default=100, ge=1, description="bucket size per API key")
    idempotency_ttl_seconds: int = Field(default=24 * 3600, ge=60)
    idempotency_lease_seconds: int = Field(
        default=900, ge=1, description="an unfinished claim older than this may be taken over"
    )
