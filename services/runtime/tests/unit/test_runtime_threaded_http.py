import pytest
import requests
from aiohttp import web

from driftgate.runtime.local.threaded_http import ThreadedHttpServer


async def hello_app() -> web.Application:
    async def hello(_request: web.Request) -> web.Response:
        return web.Response(text="hi")

    app = web.Application()
    app.router.add_get("/", hello)
    return app


def test_serves_a_sync_client_then_stops_twice_safely() -> None:
    server = ThreadedHttpServer(hello_app)
    url = server.start()
    assert requests.get(url, timeout=5).text == "hi"
    server.stop()
    server.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(url, timeout=2)


def test_a_failing_build_is_reported_at_start() -> None:
    async def broken() -> web.Application:
        raise ValueError("no app")

    server = ThreadedHttpServer(broken)
    with pytest.raises(RuntimeError, match="failed to start"):
        server.start()
    server.stop()
