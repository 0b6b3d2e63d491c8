"""aiobotocore client factory. Clients are async context managers owned by the entrypoint."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any, Literal, overload

from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession, get_session

from driftgate.runtime.settings import AwsSettings

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb import DynamoDBClient
    from types_aiobotocore_emr_serverless import EMRServerlessClient
    from types_aiobotocore_s3 import S3Client
    from types_aiobotocore_secretsmanager import SecretsManagerClient
    from types_aiobotocore_sns import SNSClient
    from types_aiobotocore_sqs import SQSClient
    from types_aiobotocore_sts import STSClient

# Emulators accept any credentials but botocore refuses to sign without some.
_EMULATOR_CREDENTIALS = {"aws_access_key_id": "driftgate-local", "aws_secret_access_key": "local"}


class AwsClientFactory:
    """Creates aiobotocore clients that honour ``AWS_ENDPOINT_URL`` and the configured region.

    It never creates a client at import time: callers enter the returned context managers in an
    ``AsyncExitStack`` so client lifetimes follow the service's lifetime.
    """

    def __init__(self, settings: AwsSettings, session: AioSession | None = None) -> None:
        self._settings = settings
        self._session = session or get_session()

    @property
    def settings(self) -> AwsSettings:
        return self._settings

    def _kwargs(self) -> dict[str, Any]:
        s = self._settings
        kwargs: dict[str, Any] = {
            "region_name": s.region,
            "config": AioConfig(
                max_pool_connections=s.max_pool_connections,
                retries={"mode": "standard", "max_attempts": s.max_attempts},
                connect_timeout=5,
                read_timeout=30,
            ),
        }
        if s.endpoint_url:
            kwargs["endpoint_url"] = s.endpoint_url
        if s.access_key_id and s.secret_access_key:
            kwargs["aws_access_key_id"] = s.access_key_id.get_secret_value()
            kwargs["aws_secret_access_key"] = s.secret_access_key.get_secret_value()
            if s.session_token:
                kwargs["aws_session_token"] = s.session_token.get_secret_value()
        elif s.is_emulated:
            kwargs.update(_EMULATOR_CREDENTIALS)
        return kwargs

    @overload
    def client(self, service: Literal["s3"]) -> AbstractAsyncContextManager[S3Client]: ...
    @overload
    def client(self, service: Literal["sqs"]) -> AbstractAsyncContextManager[SQSClient]: ...
    @overload
    def client(self, service: Literal["sns"]) -> AbstractAsyncContextManager[SNSClient]: ...
    @overload
    def client(
        self, service: Literal["dynamodb"]
    ) -> AbstractAsyncContextManager[DynamoDBClient]: ...
    @overload
    def client(self, service: Literal["sts"]) -> AbstractAsyncContextManager[STSClient]: ...
    @overload
    def client(
        self, service: Literal["secretsmanager"]
    ) -> AbstractAsyncContextManager[SecretsManagerClient]: ...
    @overload
    def client(
        self, service: Literal["emr-serverless"]
    ) -> AbstractAsyncContextManager[EMRServerlessClient]: ...
    def client(self, service: str) -> AbstractAsyncContextManager[Any]:
        return self._session.create_client(service, **self._kwargs())  # type: ignore[call-overload,no-any-return]


async def resolve_account_id(factory: AwsClientFactory) -> str:
    """The account the credentials belong to; ARNs are built from it instead of hard-coded."""
    async with factory.client("sts") as sts:
        identity = await sts.get_caller_identity()
    return identity["Account"]
