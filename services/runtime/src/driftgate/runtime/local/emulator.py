"""The embedded AWS emulator: moto in server mode on loopback (see docs/adr/0001)."""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Any

log = logging.getLogger(__name__)


class EmbeddedAws:
    """moto's threaded server, a real HTTP endpoint that aiobotocore talks to like AWS.

    moto is imported lazily so that services deployed to AWS never need it installed.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 4566) -> None:
        self._host = host
        self._port = port
        self._server: Any = None

    @property
    def endpoint_url(self) -> str:
        if self._server is None:
            raise RuntimeError("emulator is not running")
        host, port = self._server.get_host_and_port()
        return f"http://{host}:{port}"

    def start(self) -> str:
        """Start the server (port 0 picks a free port) and return its endpoint URL."""
        if self._server is None:
            from moto.server import ThreadedMotoServer  # noqa: PLC0415

            from driftgate.runtime.local.dynamodb_atomicity import (  # noqa: PLC0415
                serialise_dynamodb_writes,
            )

            serialise_dynamodb_writes()

            # moto's werkzeug logs every request at INFO, which buries the services' own logs.
            logging.getLogger("werkzeug").setLevel(logging.WARNING)
            server = ThreadedMotoServer(ip_address=self._host, port=self._port, verbose=False)
            server.start()
            self._server = server
            log.info("embedded AWS listening", extra={"endpoint": self.endpoint_url})
        return self.endpoint_url

    def stop(self) -> None:
        """Stop the server; safe to call twice."""
        server, self._server = self._server, None
        if server is not None:
            server.stop()

    def __enter__(self) -> EmbeddedAws:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
