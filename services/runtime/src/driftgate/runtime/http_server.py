"""An aiohttp application served as a lifecycle component, on one or more listeners."""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass

from aiohttp import web


@dataclass(frozen=True)
class Listener:
    host: str
    port: int
    ssl_context: ssl.SSLContext | None = None

    @property
    def scheme(self) -> str:
        return "https" if self.ssl_context else "http"


class HttpServer:
    """Serves ``app`` until stopped; on stop, refuses new connections and drains open requests."""

    def __init__(
        self, app: web.Application, listeners: list[Listener], *, auto_decompress: bool = True
    ) -> None:
        """``auto_decompress=False`` hands request bodies over as sent (the app decodes them)."""
        if not listeners:
            raise ValueError("an HTTP server needs at least one listener")
        self._app = app
        self._listeners = listeners
        self._auto_decompress = auto_decompress
        self._runner: web.AppRunner | None = None
        self._stop = asyncio.Event()
        self._bound: list[str] = []
        self._started = asyncio.Event()

    @property
    def urls(self) -> list[str]:
        """Bound URLs (real ports when listening on port 0); empty before start."""
        return list(self._bound)

    async def started(self) -> None:
        await self._started.wait()

    async def start(self, grace: float = 10.0) -> None:
        if self._runner is not None:
            return
        runner = web.AppRunner(
            self._app,
            access_log=None,
            shutdown_timeout=grace,
            auto_decompress=self._auto_decompress,
        )
        await runner.setup()
        self._runner = runner
        for listener in self._listeners:
            site = web.TCPSite(
                runner, listener.host, listener.port, ssl_context=listener.ssl_context
            )
            await site.start()
        # addresses follow the order the sites started in, with the real ports.
        for listener, address in zip(self._listeners, runner.addresses, strict=True):
            self._bound.append(f"{listener.scheme}://{listener.host}:{address[1]}")
        self._started.set()

    async def run(self) -> None:
        try:
            await self.start()
            await self._stop.wait()
        finally:
            await self._cleanup()

    async def stop(self, grace: float) -> None:
        self._stop.set()

    async def _cleanup(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
