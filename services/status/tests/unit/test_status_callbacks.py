"""Signed callbacks: forged, stale, replayed and oversize requests, rotation, and races."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from driftgate.contracts.events import JobStatus
from driftgate.contracts.webhook_signing import generate_secret
from driftgate.status.adapters.callback_secrets import StaticCallbackSecrets
from driftgate.status.settings import StatusSettings
from driftgate.status.testing import MemoryHarness, callback_body, memory_harness, signed

LIMIT = 2048


@dataclass
class Env:
    h: MemoryHarness
    http: ClientSession
    base: str
    job_id: str

    def url(self, job_id: str | None = None) -> str:
        return f"{self.base}/internal/jobs/{job_id or self.job_id}/status"

    async def post(self, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, object]]:
        async with self.http.post(self.url(), data=body, headers=headers) as resp:
            return resp.status, await resp.json()


@pytest.fixture
async def env() -> AsyncIterator[Env]:
    h = await memory_harness(StatusSettings(cursor_key="k" * 32, max_callback_bytes=LIMIT))
    server = TestServer(h.status.app, host="127.0.0.1")
    await server.start_server()
    base = str(server.make_url("")).rstrip("/")
    async with ClientSession() as http:
        async with http.post(
            f"{base}/v1/jobs",
            json={"type": "promote", "params": {}},
            headers={"X-Api-Key": h.operator_key, "Idempotency-Key": "job-1"},
        ) as resp:
            job_id = (await resp.json())["job_id"]
        yield Env(h, http, base, job_id)
    await server.close()


def job_status(env: Env) -> JobStatus:
    return env.h.store.jobs[env.job_id].status


async def test_a_forged_signature_is_401_and_changes_nothing(env: Env) -> None:
    body = callback_body("RUNNING")
    status, problem = await env.post(body, signed(generate_secret(), body))

    assert status == 401 and str(problem["type"]).endswith("/bad-signature")
    assert job_status(env) is JobStatus.SUBMITTED


async def test_a_body_altered_after_signing_is_401(env: Env) -> None:
    body = callback_body("RUNNING")
    headers = signed(env.h.secret, body)
    status, _ = await env.post(body.replace(b"RUNNING", b"FAILED!"), headers)
    assert status == 401 and job_status(env) is JobStatus.SUBMITTED


@pytest.mark.parametrize("skew", [-301, 301])
async def test_a_stale_or_future_timestamp_is_401(env: Env, skew: int) -> None:
    body = callback_body("RUNNING")
    headers = signed(env.h.secret, body, timestamp=int(time.time()) + skew)
    status, problem = await env.post(body, headers)
    assert status == 401 and "tolerance" in str(problem["detail"])
    assert job_status(env) is JobStatus.SUBMITTED


async def test_missing_signature_headers_are_401(env: Env) -> None:
    status, _ = await env.post(callback_body("RUNNING"), {"Content-Type": "application/json"})
    assert status == 401


async def test_a_replayed_webhook_id_is_a_200_no_op(env: Env) -> None:
    body = callback_body("RUNNING", message="started")
    headers = signed(env.h.secret, body, msg_id="msg_once")
    first = await env.post(body, headers)
    version = env.h.store.jobs[env.job_id].version

    second = await env.post(body, headers)
    # Same id with a different (validly signed) body is still the same message.
    other = callback_body("FAILED")
    third = await env.post(other, signed(env.h.secret, other, msg_id="msg_once"))

    assert first == (200, {"job_id": env.job_id, "outcome": "transitioned", "status": "RUNNING"})
    assert second == (200, {"job_id": env.job_id, "outcome": "replayed", "status": "RUNNING"})
    assert third[0] == 200 and third[1]["outcome"] == "replayed"
    assert env.h.store.jobs[env.job_id].version == version
    assert len(env.h.store.audit[env.job_id]) == 2
    assert env.h.store.webhooks["msg_once"] > time.time() + 3600  # stored with an expiry


async def test_an_oversize_body_is_413_before_any_verification(env: Env) -> None:
    big = callback_body("RUNNING", message="x" * LIMIT)
    # Validly signed or not, it is refused for its size, not its signature.
    for headers in (signed(env.h.secret, big), {"Content-Type": "application/json"}):
        status, problem = await env.post(big, headers)
        assert status == 413 and str(problem["type"]).endswith("/payload-too-large")
    assert job_status(env) is JobStatus.SUBMITTED


async def test_an_oversize_chunked_body_is_413(env: Env) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(LIMIT // 256 + 2):
            yield b" " * 256

    async with env.http.post(
        env.url(), data=chunks(), headers={"Content-Type": "application/json"}
    ) as resp:
        assert resp.status == 413


async def test_a_signed_but_invalid_body_is_400(env: Env) -> None:
    body = b'{"status": "PAUSED", "occurred_at": "2026-03-14T09:30:00Z"}'
    status, problem = await env.post(body, signed(env.h.secret, body))
    assert status == 400 and str(problem["type"]).endswith("/invalid-request")


async def test_the_previous_secret_still_verifies_during_rotation(env: Env) -> None:
    new = generate_secret()
    env.h.status.callbacks.secrets = StaticCallbackSecrets([new, env.h.secret])
    old_body = callback_body("RUNNING")
    assert (await env.post(old_body, signed(env.h.secret, old_body)))[0] == 200
    new_body = callback_body("RUNNING")
    assert (await env.post(new_body, signed(new, new_body)))[1]["outcome"] == "heartbeat"

    env.h.status.callbacks.secrets = StaticCallbackSecrets([new])
    retired = callback_body("SUCCEEDED")
    assert (await env.post(retired, signed(env.h.secret, retired)))[0] == 401


async def test_heartbeat_updates_liveness_not_status_or_audit(env: Env) -> None:
    running = callback_body("RUNNING", message="started")
    await env.post(running, signed(env.h.secret, running))
    before = env.h.store.jobs[env.job_id]
    env.h.status.deps.transitions.clock = lambda: before.updated_at + timedelta(seconds=30)

    beat = callback_body("RUNNING", message="still going")
    status, result = await env.post(beat, signed(env.h.secret, beat))

    after = env.h.store.jobs[env.job_id]
    assert (status, result["outcome"]) == (200, "heartbeat")
    assert after.last_heartbeat_at == before.updated_at + timedelta(seconds=30)
    assert (after.status, after.version, after.updated_at) == (
        before.status,
        before.version,
        before.updated_at,
    )
    assert after.status_message == "started"
    assert len(env.h.store.audit[env.job_id]) == 2


async def test_fifty_concurrent_conflicting_callbacks_one_transition_wins(env: Env) -> None:
    running = callback_body("RUNNING")
    await env.post(running, signed(env.h.secret, running))
    bodies = [callback_body("SUCCEEDED" if i % 2 else "FAILED") for i in range(50)]

    results = await asyncio.gather(*(env.post(b, signed(env.h.secret, b)) for b in bodies))

    transitioned = [r for s, r in results if s == 200 and r["outcome"] == "transitioned"]
    assert len(transitioned) == 1
    winner = transitioned[0]["status"]
    for status, result in results:
        # Losers see the winner's status: the same one is a heartbeat, the other is invalid.
        assert (status == 200 and result["status"] == winner) or (
            status == 400 and result["current_status"] == winner
        )
    audit = env.h.store.audit[env.job_id]
    assert [a.to_status.value for a in audit] == ["SUBMITTED", "RUNNING", winner]
