"""Fixtures shared by every test in the workspace."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

from driftgate.runtime.aws import AwsClientFactory, resolve_account_id
from driftgate.runtime.local.emulator import EmbeddedAws
from driftgate.runtime.local.provision import apply_topology
from driftgate.runtime.naming import Naming
from driftgate.runtime.settings import AwsSettings
from driftgate.runtime.topology import TOPOLOGY


@pytest.fixture(autouse=True)
def _no_real_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """Strip every AWS_* variable so that no test can reach a real AWS account."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session", autouse=True)
def _sdk_tracer_provider() -> None:
    """Spans must be real (recording, with valid ids) so trace propagation can be asserted."""
    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        trace.set_tracer_provider(TracerProvider())


@pytest.fixture(scope="session")
def emulator() -> Iterator[str]:
    """One moto server per test session on a free loopback port; tests isolate by env prefix."""
    aws = EmbeddedAws(port=0)
    yield aws.start()
    aws.stop()


@pytest.fixture
def aws_settings(emulator: str) -> AwsSettings:
    return AwsSettings(endpoint_url=emulator, region="us-east-1")


@pytest.fixture
def aws(aws_settings: AwsSettings) -> AwsClientFactory:
    return AwsClientFactory(aws_settings)


@pytest.fixture
async def naming(aws: AwsClientFactory) -> Naming:
    """A unique environment name per test, so tests never see each other's resources."""
    account = await resolve_account_id(aws)
    return Naming(env=f"t{uuid.uuid4().hex[:10]}", region="us-east-1", account_id=account)


@pytest.fixture
async def provisioned(aws: AwsClientFactory, naming: Naming) -> Naming:
    """The full topology applied under this test's environment name."""
    await apply_topology(aws, TOPOLOGY, naming)
    return naming
