"""Service lifecycle: run components concurrently, drain them on shutdown, close resources.

Shutdown order: mark not ready (``/readyz`` turns 503), ask every component to ``stop(grace)``
concurrently, wait up to the grace period for them *and their ``run()``* to finish in-flight
work, cancel whatever is left, then close the exit stack (AWS clients, health server) in
reverse order. Every task is owned by a ``TaskGroup``, so nothing outlives ``serve()``.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import signal
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from typing import Any, Literal, Protocol, TypeVar

from driftgate.runtime.errors import PermanentError
from driftgate.runtime.service_context import set_service
from driftgate.runtime.settings import RuntimeSettings

_log = logging.getLogger(__name__)
_T = TypeVar("_T")
_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Component(Protocol):
    """A long-running part of a service (an SQS consumer, an HTTP server)."""

    async def run(self) -> None:
        """Work until ``stop`` is called, then return once in-flight work is done."""
        ...

    async def stop(self, grace: float) -> None:
        """Stop taking new work; ``run`` should return within ``grace`` seconds."""
        ...


class ServiceRunner:
    """Owns one service's components and resources from start to a clean stop.

    Several runners may share an event loop (the end-to-end test runs every service in one
    process), so OS signal handlers are installed only with ``install_signal_handlers=True``,
    by the one runner that is the process entrypoint.
    """

    def __init__(
        self,
        service: str,
        settings: RuntimeSettings,
        *,
        install_signal_handlers: bool = False,
    ) -> None:
        self.service = service
        self.grace = settings.shutdown_grace_seconds
        self._install_signals = install_signal_handlers
        self._components: list[Component] = []
        self._stack = AsyncExitStack()
        self._shutdown_requested = asyncio.Event()
        self._stopped = asyncio.Event()
        self._state: Literal["new", "running", "stopping", "stopped"] = "new"
        self._failures: list[Exception] = []

    @property
    def ready(self) -> bool:
        """True while serving and not shutting down (the ``/readyz`` gate)."""
        return self._state == "running"

    @property
    def stopped(self) -> bool:
        return self._state == "stopped"

    def add(self, component: Component) -> None:
        if self._state != "new":
            raise PermanentError(f"{self.service}: components must be added before serve()")
        self._components.append(component)

    async def enter(self, resource: AbstractAsyncContextManager[_T]) -> _T:
        """Enter ``resource`` now; it is closed after every component has stopped."""
        return await self._stack.enter_async_context(resource)

    def push_async_callback(self, callback: Callable[..., Awaitable[Any]], *args: Any) -> None:
        """Run ``callback(*args)`` at close time, in reverse registration order."""
        self._stack.push_async_callback(callback, *args)

    def request_shutdown(self) -> None:
        """Begin shutdown without waiting (safe from signal handlers and callbacks)."""
        self._shutdown_requested.set()

    async def shutdown(self) -> None:
        """Begin shutdown and wait until it is complete. Idempotent."""
        self.request_shutdown()
        if self._state == "new":
            self._state = "stopped"
            try:
                await self._stack.aclose()
            finally:
                self._stopped.set()
        await self._stopped.wait()

    async def serve(self) -> None:
        """Run every component until shutdown completes; re-raises component failures."""
        if self._state != "new":
            raise PermanentError(f"{self.service}: serve() can run only once")
        self._state = "running"
        # Tasks copy this context, so logs and spans from the components name this service.
        context = contextvars.copy_context()
        context.run(set_service, self.service)
        restore = self._install_signal_handlers() if self._install_signals else []
        _log.info("service started", extra={"components": len(self._components)})
        try:
            async with asyncio.TaskGroup() as group:
                runs = [
                    group.create_task(
                        self._run(c), name=f"{self.service}:{type(c).__name__}", context=context
                    )
                    for c in self._components
                ]
                group.create_task(
                    self._drain(group, runs, context), name=f"{self.service}:drain", context=context
                )
        finally:
            for undo in restore:
                undo()
            try:
                await self._stack.aclose()
            finally:
                self._state = "stopped"
                self._stopped.set()
                _log.info("service stopped")
        if self._failures:
            raise ExceptionGroup(f"{self.service}: components failed", self._failures)

    async def _run(self, component: Component) -> None:
        name = type(component).__name__
        try:
            await component.run()
        except Exception as exc:
            _log.exception("component failed", extra={"component": name})
            self._failures.append(exc)
        if not self._shutdown_requested.is_set():
            # A service with a dead component is only half alive: stop the rest cleanly.
            _log.error("component exited before shutdown", extra={"component": name})
            self.request_shutdown()

    async def _stop(self, component: Component) -> None:
        try:
            await component.stop(self.grace)
        except Exception as exc:
            _log.exception("component stop failed", extra={"component": type(component).__name__})
            self._failures.append(exc)

    async def _drain(
        self,
        group: asyncio.TaskGroup,
        runs: list[asyncio.Task[None]],
        context: contextvars.Context,
    ) -> None:
        await self._shutdown_requested.wait()
        self._state = "stopping"
        _log.info("shutting down", extra={"grace_seconds": self.grace})
        stops = [group.create_task(self._stop(c), context=context) for c in self._components]
        pending = {t for t in [*runs, *stops] if not t.done()}
        if pending:
            _, pending = await asyncio.wait(pending, timeout=self.grace)
        for task in pending:
            _log.warning("cancelled after grace period", extra={"task": task.get_name()})
            task.cancel()

    def _install_signal_handlers(self) -> list[Callable[[], None]]:
        loop = asyncio.get_running_loop()
        undo: list[Callable[[], None]] = []
        for sig in _SIGNALS:
            previous = signal.getsignal(sig)
            loop.add_signal_handler(sig, self._on_signal, sig)

            def restore(sig: signal.Signals = sig, previous: Any = previous) -> None:
                loop.remove_signal_handler(sig)
                if previous is not None:
                    signal.signal(sig, previous)

            undo.append(restore)
        return undo

    def _on_signal(self, sig: signal.Signals) -> None:
        _log.info("signal received", extra={"signal": sig.name})
        self.request_shutdown()
