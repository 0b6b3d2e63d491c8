"""`driftgate keys` against the emulator: a secret is printed once, never listed, revocable."""

import json

import pytest

from driftgate.cli.main import main
from driftgate.runtime.naming import Naming


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, emulator: str, provisioned: Naming) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("DRIFTGATE_ENV", provisioned.env)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_create_list_revoke(cli_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "keys", "create", "--source", "orders", "--json")
    assert code == 0
    created = json.loads(out)
    secret, key_id = created["api_key"], created["key_id"]
    assert secret.startswith("dgk_")

    code, human = run(capsys, "keys", "create", "--source", "billing")
    assert code == 0 and "shown once" in human

    code, out = run(capsys, "keys", "list", "--json")
    listed = json.loads(out)
    assert {k["source_id"] for k in listed} == {"orders", "billing"}
    assert secret not in out and "key_hash" not in out and "dgk_" not in out

    code, out = run(capsys, "keys", "list", "--source", "orders")
    assert key_id in out and "active" in out and "billing" not in out

    assert run(capsys, "keys", "revoke", key_id)[0] == 0
    code, out = run(capsys, "keys", "list", "--source", "orders", "--json")
    assert json.loads(out)[0]["revoked"] is True
    assert run(capsys, "keys", "revoke", "key_nope")[0] == 1
    assert run(capsys, "keys", "create", "--source", "Bad!")[0] == 2
