"""The review commands against the emulator: list, show, diff, approve, reject, dead letters,
reprofile. Registry contents come from the real profiler pipeline."""

import hashlib
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from types_aiobotocore_s3 import S3Client

from driftgate.cli.main import build_parser
from driftgate.cli.schemas_commands import dispatch, profiler_deps
from driftgate.contracts.events import PayloadLandedV1
from driftgate.profiler.domain.status import VersionStatus
from driftgate.profiler.handlers import ProfilerDeps, process_payload
from driftgate.runtime.aws import AwsClientFactory
from driftgate.runtime.naming import Naming
from driftgate.runtime.settings import AwsSettings
from driftgate.runtime.topology import RAW_BUCKET

RECEIVED = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)


@pytest.fixture
async def deps(
    aws_settings: AwsSettings, provisioned: Naming, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[ProfilerDeps]:
    assert aws_settings.endpoint_url is not None
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws_settings.endpoint_url)
    monkeypatch.setenv("AWS_REGION", aws_settings.region)
    monkeypatch.setenv("DRIFTGATE_ENV", provisioned.env)
    async with profiler_deps() as real:
        yield real


async def land(deps: ProfilerDeps, naming: Naming, ingest_id: str, body: bytes) -> None:
    """Put a raw object and run the real profiler pipeline on it, as the worker would."""
    async with AwsClientFactory(AwsSettings()).client("s3") as s3:
        await put_raw(s3, naming, ingest_id, body)
    bucket = naming.bucket(RAW_BUCKET)
    key = f"raw/source=orders/date=2026-11-23/{ingest_id}.json"
    landed = PayloadLandedV1(
        ingest_id=ingest_id,
        source_id="orders",
        bucket=bucket,
        key=key,
        content_type="application/json",
        size_bytes=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
        received_at=RECEIVED,
    )
    await process_payload(landed, deps)


async def put_raw(s3: S3Client, naming: Naming, ingest_id: str, body: bytes) -> None:
    key = f"raw/source=orders/date=2026-11-23/{ingest_id}.json"
    await s3.put_object(Bucket=naming.bucket(RAW_BUCKET), Key=key, Body=body)


async def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = await dispatch(build_parser().parse_args(list(argv)))
    return code, capsys.readouterr().out


async def test_review_flow(
    deps: ProfilerDeps, provisioned: Naming, capsys: pytest.CaptureFixture[str]
) -> None:
    await land(deps, provisioned, "i1", b'{"order_id": 1, "customer_id": "c1"}')
    await land(deps, provisioned, "i2", b'{"order_id": 2}')
    await land(deps, provisioned, "i3", b'{"order_id": 3, "note": 1}')

    code, out = await run(capsys, "schemas", "list", "--json")
    assert code == 0
    [row] = json.loads(out)
    assert row["active_version"] == 1 and row["breaking_versions"] == [2, 3]

    code, out = await run(capsys, "schemas", "show", "orders")
    assert "BREAKING" in out and "FINGERPRINT" in out

    code, out = await run(capsys, "schemas", "show", "orders", "2")
    assert "removed field customer_id (required in v1)" in out

    code, out = await run(capsys, "schemas", "diff", "orders", "1", "2", "--json")
    diff = json.loads(out)
    assert diff["diff"]["removed"] == ["customer_id"]
    assert diff["violations"] == ["removed field customer_id (required in v1)"]

    code, out = await run(
        capsys,
        "schemas",
        "approve",
        "orders",
        "2",
        "--note",
        "dropped upstream",
        "--reviewer",
        "ana",
    )
    assert code == 0 and "v1 is DEPRECATED" in out
    code, out = await run(
        capsys,
        "schemas",
        "reject",
        "orders",
        "3",
        "--note",
        "bad deploy",
        "--reviewer",
        "bo",
        "--json",
    )
    event = json.loads(out)
    assert event["type"] == "driftgate.schema.version.reviewed.v1"
    assert event["data"]["decision"] == "rejected" and event["data"]["reviewer"] == "bo"

    code, out = await run(
        capsys, "schemas", "policy", "orders", "--set", "FULL_TRANSITIVE", "--json"
    )
    assert json.loads(out) == {"source_id": "orders", "policy": "FULL_TRANSITIVE"}
    assert (await deps.policies.policy("orders")).value == "FULL_TRANSITIVE"

    v1, v2, v3 = await deps.registry.history("orders")
    assert (v1.status, v2.status, v3.status) == (
        VersionStatus.DEPRECATED,
        VersionStatus.ACTIVE,
        VersionStatus.BREAKING,
    )
    [audit] = v2.reviews
    assert (audit.reviewer, audit.note, audit.decision.value) == (
        "ana",
        "dropped upstream",
        "approved",
    )
    assert v2.promoted_at is not None

    # Approving an ACTIVE version, or rejecting a non-BREAKING one, is refused and changes nothing.
    with pytest.raises(Exception, match="already ACTIVE"):
        await run(capsys, "schemas", "approve", "orders", "2", "--note", "again")
    with pytest.raises(Exception, match="only BREAKING"):
        await run(capsys, "schemas", "reject", "orders", "1", "--note", "no")
    assert [len(v.reviews) for v in await deps.registry.history("orders")] == [0, 1, 1]


async def test_dead_letters_list_and_reprofile(
    deps: ProfilerDeps, provisioned: Naming, capsys: pytest.CaptureFixture[str]
) -> None:
    await land(deps, provisioned, "bad1", b'{"order_id": ')
    code, out = await run(capsys, "dead-letters", "list")
    assert "bad1" in out and "dead-letter/source=orders/date=2026-11-23/bad1/" in out
    code, out = await run(capsys, "dead-letters", "list", "--json")
    [record] = json.loads(out)
    assert record["status"] == "REJECTED" and record["ingest_id"] == "bad1"

    # Still unreadable: reprofiling rejects it again under a new attempt, exit code 3.
    code, out = await run(capsys, "payloads", "reprofile", "bad1", "--json")
    assert code == 3 and json.loads(out)["attempt"] == 2

    code, out = await run(capsys, "payloads", "reprofile", "nope")
    assert code == 1
