"""Operator commands fail with one clear line, never a traceback."""

import socket

import pytest

from driftgate.cli.main import main


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_endpoint_gives_a_hint_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")  # no retry backoff: fail at once
    assert main(["keys", "list"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("driftgate: cannot reach AWS")
    assert "AWS_ENDPOINT_URL=http://127.0.0.1:4566" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("argv", [["keys", "list"], ["schemas", "list"], ["dead-letters", "list"]])
def test_aws_error_is_one_line(
    argv: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    emulator: str,
) -> None:
    # The emulator is up but this environment's tables were never created.
    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator)
    monkeypatch.setenv("DRIFTGATE_ENV", "neverprovisioned")
    assert main(argv) != 0
    err = capsys.readouterr().err.strip()
    assert "ResourceNotFound" in err
    assert "\n" not in err
    assert "Traceback" not in err
