"""Notifier settings (env prefix ``DRIFTGATE_NOTIFIER_``)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class NotifierSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DRIFTGATE_NOTIFIER_", extra="ignore")

    health_port: int = Field(default=8083, ge=0, le=65535)
    max_concurrency: int = Field(default=10, ge=1)
