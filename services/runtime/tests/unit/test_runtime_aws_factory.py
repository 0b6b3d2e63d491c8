import pytest

from driftgate.runtime.aws import AwsClientFactory
from driftgate.runtime.settings import AwsSettings


def test_settings_reach_the_client_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    kwargs = AwsClientFactory(AwsSettings())._kwargs()
    assert kwargs["endpoint_url"] == "http://127.0.0.1:4566"
    assert kwargs["region_name"] == "eu-west-1"
    assert kwargs["config"].retries == {"mode": "standard", "max_attempts": 2}
    # Against an emulator without credentials, dummy ones are used, never a real chain.
    assert kwargs["aws_access_key_id"] == "driftgate-local"


def test_real_aws_uses_the_default_credential_chain() -> None:
    kwargs = AwsClientFactory(AwsSettings())._kwargs()
    assert "endpoint_url" not in kwargs
    assert "aws_access_key_id" not in kwargs
