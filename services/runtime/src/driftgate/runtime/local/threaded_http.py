"""An aiohttp app served from its own event loop on a daemon thread, for synchronous clients.

Schemathesis and other sync tools drive a real loopback server this way while the app keeps
running on asyncio, exactly as in production.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

from aiohttp import web

from driftgate.runtime.http_server import HttpServer, Listener

_START_TIMEOUT = 10.0


class ThreadedHttpServer:
    """``build`` runs inside the server's loop, so in-memory adapters live on that loop."""

    def __init__(
        self, build: Callable[[], Awaitable[web.Application]], **server_options: Any
    ) -> None:
        self._build = build
        self._options = server_options
        self._loop = asyncio.new_event_loop()
        self._thread: threading.Thread | None = None
        self._started = threading.Event()
        self._server: HttpServer | None = None
        self._error: BaseException | None = None
        self.url = ""

    def start(self) -> str:
        """Start serving on a free loopback port and return its base URL."""
        self._thread = threading.Thread(target=self._loop.run_until_complete, args=(self._serve(),))
        self._thread.daemon = True
        self._thread.start()
        if not self._started.wait(_START_TIMEOUT):
            raise TimeoutError("threaded HTTP server did not start")
        if self._error is not None:
            raise RuntimeError("threaded HTTP server failed to start") from self._error
        return self.url

    async def _serve(self) -> None:
        try:
            app = await self._build()
            server = HttpServer(app, [Listener("127.0.0.1", 0)], **self._options)
            self._server = server
            task = asyncio.create_task(server.run())
            await server.started()
            self.url = server.urls[0]
        except Exception as exc:
            # Reported to the caller of start(); re-raising would only kill the thread noisily.
            self._error = exc
            return
        finally:
            self._started.set()
        await task

    def stop(self) -> None:
        """Stop serving and join the thread; safe to call twice."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        if self._server is not None:
            asyncio.run_coroutine_threadsafe(self._server.stop(1.0), self._loop).result(5)
        thread.join(10)
        self._loop.close()

    def __enter__(self) -> ThreadedHttpServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
