"""`driftgate jobs …` against a live status API (in-memory adapters, real loopback HTTP)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestServer

from driftgate.cli.main import main
from driftgate.status.testing import MemoryHarness, memory_harness


@pytest.fixture
async def served() -> AsyncIterator[tuple[MemoryHarness, str]]:
    h = await memory_harness()
    server = TestServer(h.status.app, host="127.0.0.1")
    await server.start_server()
    yield h, str(server.make_url("")).rstrip("/")
    await server.close()


async def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = await asyncio.to_thread(main, list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


async def test_submit_show_list_and_history_with_json(
    served: tuple[MemoryHarness, str], capsys: pytest.CaptureFixture[str]
) -> None:
    h, url = served
    auth = ["--url", url, "--api-key", h.operator_key, "--json"]

    code, out, _ = await cli(
        capsys,
        "jobs",
        "submit",
        "promote",
        "--params",
        '{"source_id": "orders"}',
        "--idempotency-key",
        "cli-1",
        *auth,
    )
    job = json.loads(out)
    assert code == 0 and job["status"] == "SUBMITTED" and job["params"] == {"source_id": "orders"}

    code, out, _ = await cli(capsys, "jobs", "show", job["job_id"], *auth)
    assert code == 0 and json.loads(out)["job_id"] == job["job_id"]

    code, out, _ = await cli(capsys, "jobs", "list", "--status", "SUBMITTED", *auth)
    assert [j["job_id"] for j in json.loads(out)["jobs"]] == [job["job_id"]]

    code, out, _ = await cli(capsys, "jobs", "history", job["job_id"], *auth)
    assert [e["to_status"] for e in json.loads(out)["entries"]] == ["SUBMITTED"]


async def test_human_output_and_errors(
    served: tuple[MemoryHarness, str], capsys: pytest.CaptureFixture[str]
) -> None:
    h, url = served
    auth = ["--url", url, "--api-key", h.operator_key]
    await cli(capsys, "jobs", "submit", "promote", "--idempotency-key", "cli-2", *auth)

    code, out, _ = await cli(capsys, "jobs", "list", *auth)
    assert code == 0 and "SUBMITTED" in out and "promote" in out

    code, _, err = await cli(capsys, "jobs", "show", "job_aaaaaaaaaaaaaaaaaaaaaaaaaa", *auth)
    assert code == 1 and "404" in err

    code, _, err = await cli(capsys, "jobs", "list", "--url", url, "--api-key", "dgo_wrong")
    assert code == 1 and "401" in err
