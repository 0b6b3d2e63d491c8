"""`make run` runs `driftgate up`: start it for real, use it as the README says, stop it."""

import asyncio
import contextlib
import os
import signal
import socket
import ssl
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import ClientSession

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(150)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Up:
    def __init__(self, tmp: Path) -> None:
        self.state = tmp / "state"
        self.trace_file = tmp / "traces.jsonl"
        self.ports = {
            name: free_port() for name in ("ingest", "https", "prof", "notif", "status", "aws")
        }
        self.env = {
            **os.environ,
            "DRIFTGATE_ENV": f"u{uuid.uuid4().hex[:8]}",
            "DRIFTGATE_TRACE_FILE": str(self.trace_file),
            "DRIFTGATE_SHUTDOWN_GRACE_SECONDS": "5",
            "DRIFTGATE_INGEST_PORT": str(self.ports["ingest"]),
            "DRIFTGATE_INGEST_HTTPS_PORT": str(self.ports["https"]),
            "DRIFTGATE_PROFILER_HEALTH_PORT": str(self.ports["prof"]),
            "DRIFTGATE_NOTIFIER_HEALTH_PORT": str(self.ports["notif"]),
            "DRIFTGATE_STATUS_PORT": str(self.ports["status"]),
        }
        self.lines: list[str] = []
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "driftgate.cli.main",
            "up",
            "--state-dir",
            str(self.state),
            "--emulator-port",
            str(self.ports["aws"]),
            env=self.env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )

    async def pump(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        async for raw in self.proc.stdout:
            self.lines.append(raw.decode(errors="replace").rstrip())

    async def wait_for(self, text: str, deadline: float) -> None:
        async with asyncio.timeout(deadline):
            while not any(text in line for line in self.lines):
                assert self.proc is not None
                if self.proc.returncode is not None:
                    pytest.fail("driftgate up exited:\n" + "\n".join(self.lines[-40:]))
                await asyncio.sleep(0.1)


@pytest.fixture
async def up(tmp_path: Path) -> AsyncIterator[Up]:
    running = Up(tmp_path)
    await running.start()
    pump = asyncio.create_task(running.pump())
    try:
        yield running
    finally:
        assert running.proc is not None
        if running.proc.returncode is None:
            running.proc.kill()
            await running.proc.wait()
        with contextlib.suppress(asyncio.CancelledError):
            pump.cancel()
            await pump


async def test_make_run_serves_the_readme_walkthrough(up: Up) -> None:
    await up.wait_for("driftgate is running", deadline=90)
    key = (up.state / "dev-api-key").read_text().strip()
    assert key.startswith("dgk_")
    assert any(key in line for line in up.lines)  # printed once, for the developer

    # HTTPS with the generated certificate, then plain HTTP, as in the README.
    tls = ssl.create_default_context(cafile=str(up.state / "tls" / "dev-cert.pem"))
    headers = {"X-Api-Key": key, "Content-Type": "application/json"}
    async with ClientSession() as http:
        first = f"https://127.0.0.1:{up.ports['https']}/v1/sources/demo/payloads"
        body = b'{"order_id": 1, "customer_id": "c-1", "total": 9.5}'
        async with http.post(first, data=body, headers=headers, ssl=tls) as resp:
            assert resp.status == 202
        await asyncio.sleep(1.0)
        second = f"http://127.0.0.1:{up.ports['ingest']}/v1/sources/demo/payloads"
        body = b'{"order_id": 2, "total": 3.0}'
        async with http.post(second, data=body, headers=headers) as resp:
            assert resp.status == 202
            trace_id = resp.headers["traceparent"].split("-")[1]

    # The job API runs too, with a development operator key printed in the banner.
    operator_key = (up.state / "dev-operator-key").read_text().strip()
    assert operator_key.startswith("dgo_") and any(operator_key in line for line in up.lines)
    status_url = f"http://127.0.0.1:{up.ports['status']}"
    assert any(status_url in line for line in up.lines)
    async with (
        ClientSession() as http,
        http.get(f"{status_url}/v1/jobs", headers={"X-Api-Key": operator_key}) as resp,
    ):
        assert resp.status == 200

    await up.wait_for("ALERT [critical]", deadline=40)
    assert any(f"trace={trace_id}" in line for line in up.lines)

    assert up.proc is not None
    up.proc.send_signal(signal.SIGINT)
    async with asyncio.timeout(30):
        assert await up.proc.wait() == 0
    assert any("notifier" in line and "service stopped" in line for line in up.lines)

    tree = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "driftgate.cli.main",
        "trace",
        trace_id,
        "--file",
        str(up.trace_file),
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await tree.communicate()
    assert tree.returncode == 0
    rendered = out.decode()
    for span in ("ingest", "profiler", "notifier", "publish driftgate.alert.raised.v1"):
        assert span in rendered
