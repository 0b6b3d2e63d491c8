"""Callback signing secrets from Secrets Manager (AWSCURRENT and AWSPREVIOUS), and a fake.

Rotation is ``put_secret_value`` with a new key: Secrets Manager moves the old value to
AWSPREVIOUS, and both verify until the next rotation, so workers started before the rotation
keep reporting. Values are cached briefly to keep Secrets Manager off the request path.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from driftgate.runtime.aws_errors import classify
from driftgate.status.errors import StoreUnavailableError

if TYPE_CHECKING:
    from types_aiobotocore_secretsmanager import SecretsManagerClient

_STAGES = ("AWSCURRENT", "AWSPREVIOUS")


class SecretsManagerCallbackSecrets:
    def __init__(
        self, client: SecretsManagerClient, secret_id: str, *, cache_seconds: float = 30.0
    ) -> None:
        self._client = client
        self._secret_id = secret_id
        self._cache_seconds = cache_seconds
        self._cached: list[str] = []
        self._loaded_at = float("-inf")
        self._lock = asyncio.Lock()

    @property
    def secret_id(self) -> str:
        return self._secret_id

    async def _load(self) -> list[str]:
        values: list[str] = []
        for stage in _STAGES:
            try:
                resp = await self._client.get_secret_value(
                    SecretId=self._secret_id, VersionStage=stage
                )
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code")
                if stage == "AWSPREVIOUS" and code == "ResourceNotFoundException":
                    continue  # never rotated: only a current value exists
                raise StoreUnavailableError(str(classify(exc, "read signing secret"))) from exc
            except BotoCoreError as exc:
                raise StoreUnavailableError(str(classify(exc, "read signing secret"))) from exc
            if value := resp.get("SecretString"):
                values.append(value)
        if not values:
            raise StoreUnavailableError(f"secret {self._secret_id} has no value")
        return values

    async def accepted(self) -> list[str]:
        if time.monotonic() - self._loaded_at < self._cache_seconds:
            return self._cached
        async with self._lock:
            if time.monotonic() - self._loaded_at >= self._cache_seconds:
                self._cached = await self._load()
                self._loaded_at = time.monotonic()
        return self._cached

    async def current(self) -> str:
        return (await self.accepted())[0]


@dataclass
class StaticCallbackSecrets:
    """Fixed secrets for unit tests and the benchmark; first one is current."""

    secrets: list[str] = field(default_factory=list)

    async def accepted(self) -> list[str]:
        return list(self.secrets)

    async def current(self) -> str:
        return self.secrets[0]
