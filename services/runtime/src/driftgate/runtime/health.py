"""``/healthz`` (liveness) and ``/readyz`` (readiness) for every service.

Liveness only says the event loop still answers. Readiness runs the service's named async
checks concurrently (each bounded by a timeout) and is 503 when any fails, or when the service
is not accepting work: before it started and from the moment shutdown begins, so a load
balancer or orchestrator stops routing to it while it drains.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import Any, Protocol

from aiohttp import web

from driftgate.runtime.redaction import redact_text

# A check passes when it returns anything but ``False``; what it returns is shown as detail.
ReadinessCheck = Callable[[], Awaitable[object]]


class ReadinessGate(Protocol):
    """Whatever decides whether the service accepts work (``ServiceRunner`` is one)."""

    @property
    def ready(self) -> bool: ...


async def _run_check(check: ReadinessCheck, limit: float) -> dict[str, Any]:
    try:
        async with asyncio.timeout(limit):
            result = await check()
    except TimeoutError:
        return {"ok": False, "detail": f"timed out after {limit:g}s"}
    except Exception as exc:
        return {"ok": False, "detail": redact_text(f"{type(exc).__name__}: {exc}")}
    if result is False:
        return {"ok": False, "detail": "check reported failure"}
    entry: dict[str, Any] = {"ok": True}
    if result is not None and result is not True:
        entry["detail"] = redact_text(str(result))
    return entry


class HealthEndpoints:
    """The two handlers; mount ``routes()`` on a service's own app or use ``HealthServer``."""

    def __init__(
        self,
        checks: Mapping[str, ReadinessCheck] | None = None,
        *,
        gate: ReadinessGate | None = None,
        check_timeout: float = 2.0,
    ) -> None:
        self._checks = dict(checks or {})
        self._gate = gate
        self._timeout = check_timeout
        self._shutting_down = False

    def mark_shutting_down(self) -> None:
        """From now on ``/readyz`` answers 503 whatever the checks say."""
        self._shutting_down = True

    def routes(self) -> list[web.RouteDef]:
        return [web.get("/healthz", self.liveness), web.get("/readyz", self.readiness)]

    async def liveness(self, _request: web.Request) -> web.Response:
        return web.json_response({"status": "alive"})

    async def readiness(self, _request: web.Request) -> web.Response:
        if self._shutting_down or (self._gate is not None and not self._gate.ready):
            status = "shutting_down" if self._shutting_down else "not_ready"
            return web.json_response({"status": status, "checks": {}}, status=503)
        names = list(self._checks)
        results = await asyncio.gather(*(_run_check(self._checks[n], self._timeout) for n in names))
        checks = dict(zip(names, results, strict=True))
        ok = all(r["ok"] for r in results)
        body = {"status": "ready" if ok else "not_ready", "checks": checks}
        return web.json_response(body, status=200 if ok else 503)


def health_routes(
    checks: Mapping[str, ReadinessCheck] | None = None, *, gate: ReadinessGate | None = None
) -> list[web.RouteDef]:
    """``/healthz`` and ``/readyz`` route definitions for an existing ``web.Application``."""
    return HealthEndpoints(checks, gate=gate).routes()


class HealthServer:
    """A tiny HTTP server with only the health endpoints, for services without their own.

    Use it as an async context manager (``await runner.enter(server)``) so it outlives the
    components and keeps answering 503 on ``/readyz`` while they drain.
    """

    def __init__(
        self,
        host: str,
        port: int,
        checks: Mapping[str, ReadinessCheck] | None = None,
        *,
        gate: ReadinessGate | None = None,
    ) -> None:
        self.host = host
        self.endpoints = HealthEndpoints(checks, gate=gate)
        self._requested_port = port
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    @property
    def port(self) -> int:
        """The bound port (the real one when constructed with port 0)."""
        if self._port is None:
            raise RuntimeError("health server is not started")
        return self._port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        if self._runner is not None:
            return
        app = web.Application()
        app.add_routes(self.endpoints.routes())
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self._requested_port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        """Idempotent: close the listener and wait for open requests."""
        runner, self._runner = self._runner, None
        self._port = None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> HealthServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
