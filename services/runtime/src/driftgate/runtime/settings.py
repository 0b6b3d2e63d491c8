"""Settings shared by every service. Each has a safe local default; secrets never live here."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

LOCAL_ENDPOINT = "http://127.0.0.1:4566"


class AwsSettings(BaseSettings):
    """Where AWS is. ``AWS_ENDPOINT_URL`` points every client at moto, LocalStack or nothing."""

    model_config = SettingsConfigDict(env_prefix="AWS_", extra="ignore")

    endpoint_url: str | None = Field(
        default=None, description="Override endpoint; unset means real AWS"
    )
    region: str = Field(default="us-east-1", validation_alias="AWS_REGION")
    access_key_id: SecretStr | None = None
    secret_access_key: SecretStr | None = None
    session_token: SecretStr | None = None
    max_pool_connections: int = 50
    max_attempts: int = Field(
        default=5, ge=1, le=20, description="Attempts per AWS call (standard retry mode)"
    )

    @property
    def is_emulated(self) -> bool:
        return self.endpoint_url is not None


class RuntimeSettings(BaseSettings):
    """Naming, telemetry and lifecycle settings common to every service."""

    model_config = SettingsConfigDict(env_prefix="DRIFTGATE_", extra="ignore")

    env: str = Field(
        default="local",
        pattern=r"^[a-z][a-z0-9-]{0,20}$",
        description="Prefix for every physical resource name",
    )
    log_level: str = "INFO"
    log_format: str = Field(default="json", pattern=r"^(json|text)$")
    trace_file: Path = Path(".driftgate/traces.jsonl")
    shutdown_grace_seconds: float = Field(default=30.0, gt=0)
    health_host: str = "127.0.0.1"
    otel_exporter_otlp_endpoint: str | None = Field(
        default=None, validation_alias="OTEL_EXPORTER_OTLP_ENDPOINT"
    )
