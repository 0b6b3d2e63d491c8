"""Status service settings (env prefix ``DRIFTGATE_STATUS_``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class StatusSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DRIFTGATE_STATUS_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8081, ge=0, le=65535)
    public_url: str | None = Field(
        default=None, description="Base URL workers post callbacks to; default http://host:port"
    )
    max_callback_bytes: int = Field(default=64 * 1024, gt=0)
    max_submit_bytes: int = Field(default=256 * 1024, gt=0)
    callback_tolerance_seconds: int = Field(default=300, gt=0)
    webhook_id_ttl_seconds: int = Field(default=24 * 3600, gt=0)
    secret_cache_seconds: float = Field(default=30.0, ge=0)
    cursor_key: SecretStr | None = Field(
        default=None, description="HMAC key for list cursors; random per process when unset"
    )
    default_deadline_seconds: int = Field(default=3600, gt=0)
    default_heartbeat_seconds: int = Field(default=300, gt=0)
    default_start_deadline_seconds: int = Field(default=600, gt=0)
    sweep_interval_seconds: float = Field(default=15.0, gt=0)
    outbox_interval_seconds: float = Field(default=2.0, gt=0)
    outbox_min_age_seconds: float = Field(
        default=5.0, ge=0, description="Leave fresh entries to the request that wrote them"
    )
    launcher: Literal["none", "local", "emr-serverless"] = "none"
    local_command: str = Field(default="", description="Command the local launcher runs per job")
    emr_application_id: str = ""
    emr_execution_role_arn: str = ""
    emr_entry_point: str = ""
