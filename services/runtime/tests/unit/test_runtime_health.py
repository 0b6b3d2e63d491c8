"""Health endpoints over real HTTP on loopback."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from driftgate.runtime.health import HealthEndpoints, HealthServer, health_routes
from driftgate.runtime.lifecycle import ServiceRunner
from driftgate.runtime.settings import RuntimeSettings


class Gate:
    def __init__(self) -> None:
        self.ready = False


async def _get(url: str) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as session, session.get(url) as resp:
        return resp.status, await resp.json()


async def test_health_server_reports_liveness_and_readiness() -> None:
    healthy = True

    async def table() -> str:
        return "table active"

    async def queue() -> bool:
        return healthy

    async with HealthServer("127.0.0.1", 0, {"table": table, "queue": queue}) as server:
        assert await _get(f"{server.url}/healthz") == (200, {"status": "alive"})
        assert await _get(f"{server.url}/readyz") == (
            200,
            {
                "status": "ready",
                "checks": {"table": {"ok": True, "detail": "table active"}, "queue": {"ok": True}},
            },
        )
        healthy = False
        status, body = await _get(f"{server.url}/readyz")
        assert status == 503
        assert body["status"] == "not_ready"
        assert body["checks"]["queue"] == {"ok": False, "detail": "check reported failure"}
        assert body["checks"]["table"]["ok"] is True


async def test_failing_check_shows_redacted_error_and_timeout() -> None:
    async def broken() -> None:
        raise ConnectionError("refused with api_key=dgk_abcdefghijklmnop")

    async def slow() -> None:
        await asyncio.sleep(30)

    endpoints = HealthEndpoints({"broken": broken, "slow": slow}, check_timeout=0.05)
    app = web.Application()
    app.add_routes(endpoints.routes())
    async with TestClient(TestServer(app)) as client:
        resp = await client.get("/readyz")
        body = await resp.json()
    assert resp.status == 503
    assert body["checks"]["broken"] == {
        "ok": False,
        "detail": "ConnectionError: refused with api_key=***",
    }
    assert body["checks"]["slow"] == {"ok": False, "detail": "timed out after 0.05s"}


async def test_gate_and_shutdown_turn_readiness_off_but_not_liveness() -> None:
    gate = Gate()
    app = web.Application()
    endpoints = HealthEndpoints({}, gate=gate)
    app.add_routes(endpoints.routes())
    async with TestClient(TestServer(app)) as client:
        resp = await client.get("/readyz")
        assert (resp.status, await resp.json()) == (503, {"status": "not_ready", "checks": {}})
        gate.ready = True
        assert (await client.get("/readyz")).status == 200
        endpoints.mark_shutting_down()
        resp = await client.get("/readyz")
        assert (resp.status, (await resp.json())["status"]) == (503, "shutting_down")
        assert (await client.get("/healthz")).status == 200


async def test_health_routes_mount_on_an_existing_app() -> None:
    app = web.Application()
    app.add_routes(health_routes())
    async with TestClient(TestServer(app)) as client:
        assert (await client.get("/healthz")).status == 200
        assert (await client.get("/readyz")).status == 200


async def test_stop_is_idempotent_and_frees_the_port() -> None:
    server = HealthServer("127.0.0.1", 0)
    await server.start()
    url = server.url
    await server.stop()
    await server.stop()
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectionError):
            await session.get(f"{url}/healthz")


class _Draining:
    """Holds run() open after stop() until the test has looked at /readyz."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.stop_called = asyncio.Event()
        self.finish = asyncio.Event()

    async def run(self) -> None:
        self.started.set()
        await self.finish.wait()

    async def stop(self, grace: float) -> None:
        self.stop_called.set()


async def test_readiness_follows_the_service_runner_through_drain() -> None:
    runner = ServiceRunner("notifier", RuntimeSettings())
    component = _Draining()
    runner.add(component)
    server = await runner.enter(HealthServer("127.0.0.1", 0, gate=runner))
    serving = asyncio.create_task(runner.serve())
    await component.started.wait()
    assert (await _get(f"{server.url}/readyz"))[0] == 200

    stopping = asyncio.create_task(runner.shutdown())
    await component.stop_called.wait()
    # Still draining: the health server is up, alive, and no longer ready.
    assert (await _get(f"{server.url}/readyz"))[0] == 503
    assert (await _get(f"{server.url}/healthz"))[0] == 200
    component.finish.set()
    await stopping
    await serving
    with pytest.raises(RuntimeError):
        _ = server.port
