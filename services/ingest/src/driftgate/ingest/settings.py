"""Ingest settings (env prefix ``DRIFTGATE_INGEST_``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class IngestSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DRIFTGATE_INGEST_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    https_port: int = Field(default=8443, ge=0, le=65535)
    tls_cert_file: Path | None = None
    tls_key_file: Path | None = None
    max_body_bytes: int = Field(
        default=16 * 1024 * 1024,
        gt=0,
        description="Bodies are buffered in this slice; streaming multipart raises it to 256 MiB",
    )
    read_chunk_bytes: int = Field(default=64 * 1024, gt=0)
