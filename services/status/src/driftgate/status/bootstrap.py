"""Wires adapters to the status use cases and HTTP app. Entrypoints pass real adapters."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from aiohttp import web

from driftgate.runtime.publisher import EventPublisher
from driftgate.status.callbacks import CallbackDeps
from driftgate.status.domain.cursor import CursorCodec
from driftgate.status.domain.metrics import EmfMetrics
from driftgate.status.entrypoints.http_app import create_app
from driftgate.status.handlers import JobDefaults, StatusDeps
from driftgate.status.ports import CallbackSecrets, JobStore, OperatorKeyStore, Outbox
from driftgate.status.publishing import OutboxPublisher, OutboxRelay
from driftgate.status.settings import StatusSettings
from driftgate.status.transitions import TransitionDeps


@dataclass
class StatusApp:
    app: web.Application
    deps: StatusDeps
    callbacks: CallbackDeps
    relay: OutboxRelay


def bootstrap(
    *,
    store: JobStore,
    outbox: Outbox,
    keys: OperatorKeyStore,
    secrets_source: CallbackSecrets,
    publisher: EventPublisher,
    settings: StatusSettings | None = None,
    metrics: EmfMetrics | None = None,
    clock: Callable[[], datetime] | None = None,
) -> StatusApp:
    """The status aiohttp application and its outbox relay, bound to the given adapters."""
    settings = settings or StatusSettings()
    cursor_key = (
        settings.cursor_key.get_secret_value().encode()
        if settings.cursor_key
        else secrets.token_bytes(32)
    )
    outbox_publisher = OutboxPublisher(publisher, outbox)
    transitions = TransitionDeps(
        store=store,
        outbox=outbox_publisher,
        metrics=metrics or EmfMetrics(),
        clock=clock or (lambda: datetime.now(UTC)),
    )
    deps = StatusDeps(
        store=store,
        keys=keys,
        transitions=transitions,
        cursors=CursorCodec(cursor_key),
        defaults=JobDefaults(
            deadline_seconds=settings.default_deadline_seconds,
            heartbeat_seconds=settings.default_heartbeat_seconds,
            start_deadline_seconds=settings.default_start_deadline_seconds,
        ),
    )
    callbacks = CallbackDeps(
        transitions=transitions,
        secrets=secrets_source,
        max_body_bytes=settings.max_callback_bytes,
        tolerance_seconds=settings.callback_tolerance_seconds,
        webhook_ttl_seconds=settings.webhook_id_ttl_seconds,
    )
    relay = OutboxRelay(
        outbox_publisher,
        outbox,
        interval=settings.outbox_interval_seconds,
        min_age=settings.outbox_min_age_seconds,
    )
    app = create_app(deps, callbacks, max_submit_bytes=settings.max_submit_bytes)
    return StatusApp(app=app, deps=deps, callbacks=callbacks, relay=relay)
