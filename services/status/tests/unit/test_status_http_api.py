"""The job API over real loopback HTTP, on in-memory adapters."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from driftgate.contracts.events import JobStatus
from driftgate.status.domain.operator_keys import generate_operator_key
from driftgate.status.testing import FakeClock, MemoryHarness, callback_body, memory_harness, signed


@dataclass
class Api:
    h: MemoryHarness
    http: ClientSession
    base: str

    def auth(self, **extra: str) -> dict[str, str]:
        return {"X-Api-Key": self.h.operator_key, **extra}

    async def submit(self, key: str = "k-1", job_type: str = "promote", **params: Any) -> Any:
        async with self.http.post(
            f"{self.base}/v1/jobs",
            json={"type": job_type, "params": params},
            headers=self.auth(**{"Idempotency-Key": key}),
        ) as resp:
            assert resp.status == 202, await resp.text()
            return await resp.json()

    async def callback(self, job_id: str, status: str, **extra: Any) -> tuple[int, Any]:
        body = callback_body(status, **extra)
        async with self.http.post(
            f"{self.base}/internal/jobs/{job_id}/status",
            data=body,
            headers=signed(self.h.secret, body),
        ) as resp:
            return resp.status, await resp.json()


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    h = await memory_harness()
    server = TestServer(h.status.app, host="127.0.0.1")
    await server.start_server()
    async with ClientSession() as http:
        yield Api(h, http, str(server.make_url("")).rstrip("/"))
    await server.close()


async def test_submit_creates_a_submitted_job_and_announces_it(api: Api) -> None:
    job = await api.submit(source_id="orders")

    assert job["status"] == "SUBMITTED" and job["type"] == "promote"
    assert job["params"] == {"source_id": "orders"}
    submitted = api.h.publisher.events("driftgate.job.submitted.v1")
    assert [e.data.job_id for e in submitted] == [job["job_id"]]
    assert api.h.store.outbox == {}  # published right after the commit, so removed
    assert api.h.emf.values("jobs.created") == [1]


async def test_same_idempotency_key_returns_the_same_job_once(api: Api) -> None:
    first = await api.submit("same", table="a")
    again = await api.submit("same", table="a")

    assert again["job_id"] == first["job_id"]
    assert len(api.h.store.jobs) == 1
    assert len(api.h.publisher.events("driftgate.job.submitted.v1")) == 1


async def test_reusing_an_idempotency_key_for_other_work_is_409(api: Api) -> None:
    await api.submit("same", table="a")
    async with api.http.post(
        f"{api.base}/v1/jobs",
        json={"type": "promote", "params": {"table": "b"}},
        headers=api.auth(**{"Idempotency-Key": "same"}),
    ) as resp:
        assert resp.status == 409
        assert (await resp.json())["type"].endswith("/idempotency-key-reused")


async def test_submit_without_idempotency_key_is_400(api: Api) -> None:
    async with api.http.post(
        f"{api.base}/v1/jobs", json={"type": "promote"}, headers=api.auth()
    ) as resp:
        assert resp.status == 400
        assert resp.content_type == "application/problem+json"


@pytest.mark.parametrize(
    "headers", [{}, {"X-Api-Key": "dgo_unknown"}, {"X-Api-Key": "dgk_a-source-key"}]
)
async def test_operator_endpoints_need_an_operator_key(api: Api, headers: dict[str, str]) -> None:
    async with api.http.get(f"{api.base}/v1/jobs", headers=headers) as resp:
        assert resp.status == 401
        assert (await resp.json())["type"].endswith("/unauthenticated")


async def test_a_revoked_or_non_operator_scoped_key_is_refused(api: Api) -> None:
    for change in ({"revoked": True}, {"scope": "source"}):
        issued = generate_operator_key("other", datetime.now(UTC))
        await api.h.keys.save(replace(issued.record, **change))
        async with api.http.get(
            f"{api.base}/v1/jobs", headers={"X-Api-Key": issued.secret}
        ) as resp:
            assert resp.status == 401


async def test_full_lifecycle_with_history(api: Api) -> None:
    job = await api.submit()
    jid = job["job_id"]

    assert (await api.callback(jid, "RUNNING", message="started"))[1]["outcome"] == "transitioned"
    assert (await api.callback(jid, "RUNNING"))[1]["outcome"] == "heartbeat"
    status, result = await api.callback(
        jid,
        "SUCCEEDED",
        message="promoted 10 rows",
        metrics={"rows": 10},
        quality={"level": "GREEN", "checks": [{"name": "rows", "level": "GREEN"}]},
    )
    assert (status, result["outcome"], result["status"]) == (200, "transitioned", "SUCCEEDED")

    async with api.http.get(f"{api.base}/v1/jobs/{jid}", headers=api.auth()) as resp:
        shown = await resp.json()
    assert shown["status"] == "SUCCEEDED" and shown["status_message"] == "promoted 10 rows"
    assert shown["quality"]["level"] == "GREEN" and shown["metrics"] == {"rows": 10.0}
    assert shown["version"] == 3 and shown["finished_at"] == shown["updated_at"]

    async with api.http.get(f"{api.base}/v1/jobs/{jid}/history", headers=api.auth()) as resp:
        history = (await resp.json())["entries"]
    assert [(e["from_status"], e["to_status"]) for e in history] == [
        (None, "SUBMITTED"),
        ("SUBMITTED", "RUNNING"),
        ("RUNNING", "SUCCEEDED"),
    ]
    assert [e["actor"] for e in history[1:]] == ["worker", "worker"]
    changed = api.h.publisher.events("driftgate.job.status.changed.v1")
    assert [e.id for e in changed] == [e["event_id"] for e in history[1:]]
    assert api.h.emf.values("jobs.completed") == [1]
    assert len(api.h.emf.values("job.processing.time")) == 1


async def test_invalid_transition_is_400_naming_current_and_allowed(api: Api) -> None:
    jid = (await api.submit())["job_id"]

    status, problem = await api.callback(jid, "SUCCEEDED")

    assert status == 400
    assert problem["type"].endswith("/invalid-transition")
    assert problem["current_status"] == "SUBMITTED"
    assert problem["allowed_next"] == ["RUNNING"]
    assert api.h.store.jobs[jid].status is JobStatus.SUBMITTED
    assert len(api.h.store.audit[jid]) == 1


async def test_terminal_jobs_allow_nothing_next(api: Api) -> None:
    jid = (await api.submit())["job_id"]
    await api.callback(jid, "RUNNING")
    await api.callback(jid, "FAILED", message="boom")

    status, problem = await api.callback(jid, "RUNNING")

    assert status == 400 and problem["current_status"] == "FAILED"
    assert problem["allowed_next"] == []
    assert api.h.emf.values("jobs.failed") == [1]


async def test_unknown_job_is_404(api: Api) -> None:
    async with api.http.get(
        f"{api.base}/v1/jobs/job_aaaaaaaaaaaaaaaaaaaaaaaaaa", headers=api.auth()
    ) as resp:
        assert resp.status == 404
    status, _ = await api.callback("job_aaaaaaaaaaaaaaaaaaaaaaaaaa", "RUNNING")
    assert status == 404


async def test_listing_is_newest_first_filtered_and_paginated(api: Api) -> None:
    clock = FakeClock()
    api.h.status.deps.transitions.clock = clock
    ids: list[str] = []
    for _ in range(5):
        clock.now += timedelta(seconds=1)
        i = len(ids)
        ids.append((await api.submit(f"k{i}", "promote" if i % 2 == 0 else "compact"))["job_id"])
    clock.now = datetime.now(UTC)  # callbacks are verified against the real time
    assert (await api.callback(ids[4], "RUNNING"))[0] == 200

    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        async with api.http.get(f"{api.base}/v1/jobs", params=params, headers=api.auth()) as r:
            page = await r.json()
        seen += [j["job_id"] for j in page["jobs"]]
        cursor = page.get("next_cursor")
        if cursor is None:
            break
    assert seen == ids[::-1]

    async with api.http.get(
        f"{api.base}/v1/jobs", params={"type": "promote"}, headers=api.auth()
    ) as r:
        assert [j["job_id"] for j in (await r.json())["jobs"]] == [ids[4], ids[2], ids[0]]
    async with api.http.get(
        f"{api.base}/v1/jobs", params={"status": "RUNNING"}, headers=api.auth()
    ) as r:
        assert [j["job_id"] for j in (await r.json())["jobs"]] == [ids[4]]


async def test_tampered_or_foreign_cursors_are_400(api: Api) -> None:
    for i in range(3):
        await api.submit(f"k{i}")
    async with api.http.get(f"{api.base}/v1/jobs?limit=1", headers=api.auth()) as r:
        cursor = (await r.json())["next_cursor"]
    payload, mac = cursor.split(".")
    tampered = [
        payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + mac,
        payload + "." + mac[::-1],
        "garbage",
        "a.b.c",
    ]
    for bad in tampered:
        async with api.http.get(
            f"{api.base}/v1/jobs", params={"cursor": bad}, headers=api.auth()
        ) as r:
            assert r.status == 400, bad
            assert (await r.json())["type"].endswith("/invalid-cursor")
    # A cursor minted for the unfiltered listing cannot page through another query.
    async with api.http.get(
        f"{api.base}/v1/jobs", params={"cursor": cursor, "status": "FAILED"}, headers=api.auth()
    ) as r:
        assert r.status == 400


async def test_non_ascii_cursor_is_400_not_500(api: Api) -> None:
    # Found by schemathesis (test_status_schemathesis.py): this used to be a 500.
    async with api.http.get(
        f"{api.base}/v1/jobs", params={"cursor": "\u00d4I\u009b.\u00e9"}, headers=api.auth()
    ) as r:
        assert r.status == 400
        assert (await r.json())["type"].endswith("/invalid-cursor")


@pytest.mark.parametrize("query", [{"status": "PAUSED"}, {"limit": "0"}, {"limit": "x"}])
async def test_bad_list_parameters_are_400(api: Api, query: dict[str, str]) -> None:
    async with api.http.get(f"{api.base}/v1/jobs", params=query, headers=api.auth()) as r:
        assert r.status == 400


async def test_openapi_and_docs_are_served(api: Api) -> None:
    async with api.http.get(f"{api.base}/openapi.json") as r:
        doc = await r.json()
    assert doc["openapi"] == "3.1.0"
    assert {"/v1/jobs", "/v1/jobs/{job_id}", "/v1/jobs/{job_id}/history"} <= set(doc["paths"])
    assert "/internal/jobs/{job_id}/status" in doc["paths"]
    assert {"SubmitJob", "JobView", "JobCallbackV1", "Problem"} <= set(doc["components"]["schemas"])
    async with api.http.get(f"{api.base}/docs") as r:
        assert r.status == 200 and "swagger-ui" in await r.text()


async def test_submit_continues_the_callers_trace_into_the_event(api: Api) -> None:
    caller = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    async with api.http.post(
        f"{api.base}/v1/jobs",
        json={"type": "promote", "params": {}},
        headers=api.auth(**{"Idempotency-Key": "trace-1", "traceparent": caller}),
    ) as resp:
        assert resp.status == 202
        returned = resp.headers["traceparent"]
    assert returned.split("-")[1] == caller.split("-")[1]
    [event] = api.h.publisher.events("driftgate.job.submitted.v1")
    assert event.traceparent is not None
    assert event.traceparent.split("-")[1] == caller.split("-")[1]
