"""The registry, payload index and dead letters against the emulator, over real aiobotocore."""

import asyncio
import hashlib
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime

import orjson
import pytest

from driftgate.contracts.events import PayloadLandedV1
from driftgate.profiler.adapters.dynamo_registry import DynamoSchemaRegistry
from driftgate.profiler.adapters.emf_metrics import EmfMetrics
from driftgate.profiler.domain.payload_record import PayloadStatus
from driftgate.profiler.domain.registry import SchemaVersion
from driftgate.profiler.domain.status import VersionStatus
from driftgate.profiler.errors import RegistryConflictError
from driftgate.profiler.handlers import ProfilerDeps, process_payload
from driftgate.profiler.wiring import aws_deps
from driftgate.runtime.aws import AwsClientFactory
from driftgate.runtime.naming import Naming
from driftgate.runtime.publisher import FakeEventPublisher
from driftgate.runtime.topology import RAW_BUCKET, SCHEMA_REGISTRY_TABLE

RECEIVED = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)


class Env:
    def __init__(self, deps: ProfilerDeps, s3: object, bucket: str, lines: list[str]) -> None:
        self.deps = deps
        self.s3 = s3
        self.bucket = bucket
        self.emf_lines = lines
        assert isinstance(deps.publisher, FakeEventPublisher)
        self.publisher: FakeEventPublisher = deps.publisher

    async def land(self, source: str, ingest_id: str, body: bytes) -> PayloadLandedV1:
        key = f"raw/source={source}/date=2026-11-23/{ingest_id}.json"
        await self.s3.put_object(Bucket=self.bucket, Key=key, Body=body)  # type: ignore[attr-defined]
        return PayloadLandedV1(
            ingest_id=ingest_id,
            source_id=source,
            bucket=self.bucket,
            key=key,
            content_type="application/json",
            size_bytes=len(body),
            sha256=hashlib.sha256(body).hexdigest(),
            received_at=RECEIVED,
        )


@pytest.fixture
async def env(aws: AwsClientFactory, provisioned: Naming) -> AsyncIterator[Env]:
    lines: list[str] = []
    async with AsyncExitStack() as stack:
        s3 = await stack.enter_async_context(aws.client("s3"))
        ddb = await stack.enter_async_context(aws.client("dynamodb"))
        sns = await stack.enter_async_context(aws.client("sns"))
        deps = aws_deps(s3=s3, ddb=ddb, sns=sns, naming=provisioned, max_record_bytes=1024 * 1024)
        deps.publisher = FakeEventPublisher()
        deps.metrics = EmfMetrics(write=lines.append)
        yield Env(deps, s3, provisioned.bucket(RAW_BUCKET), lines)


class CountingRegistry(DynamoSchemaRegistry):
    """The real adapter, counting lost races so the test shows they happened."""

    conflicts = 0

    async def create(self, version: SchemaVersion, deprecate: SchemaVersion | None) -> None:
        try:
            await super().create(version, deprecate)
        except RegistryConflictError:
            CountingRegistry.conflicts += 1
            raise


@pytest.mark.timeout(50)
async def test_twenty_racing_handlers_create_exactly_one_version(
    env: Env, aws: AwsClientFactory, provisioned: Naming
) -> None:
    async with aws.client("dynamodb") as ddb:
        env.deps.registry = CountingRegistry(ddb, provisioned.table(SCHEMA_REGISTRY_TABLE))
        await _race(env)
    # 19 of the first 20 lose the race for v1, and 19 of the next 20 lose it for v2.
    assert CountingRegistry.conflicts >= 2


async def _race(env: Env) -> None:
    first = [await env.land("race", f"a{i}", b'{"id": 1, "name": "x"}') for i in range(20)]
    await asyncio.gather(*(process_payload(p, env.deps) for p in first))
    second = [await env.land("race", f"b{i}", b'{"id": 2}') for i in range(20)]
    await asyncio.gather(*(process_payload(p, env.deps) for p in second))

    history = await env.deps.registry.history("race")
    assert [(v.version, v.status) for v in history] == [
        (1, VersionStatus.ACTIVE),
        (2, VersionStatus.BREAKING),
    ]
    assert [v.payload_count for v in history] == [20, 20]
    registered = env.publisher.events("driftgate.schema.version.registered.v1")
    assert sorted(e.data.version for e in registered) == [1, 2]
    [drift] = env.publisher.events("driftgate.schema.drift.detected.v1")
    assert drift.data.reasons == ["removed field name (required in v1)"]
    assert len(env.publisher.events("driftgate.payload.profiled.v1")) == 40


async def test_redelivery_counts_once_and_keeps_the_version(env: Env) -> None:
    landed = await env.land("redeliver", "r1", b'{"id": 1}')
    await process_payload(landed, env.deps)
    await process_payload(landed, env.deps)
    record = await env.deps.index.get("r1")
    assert record is not None and record.events_published and record.schema_version == 1
    [v1] = await env.deps.registry.history("redeliver")
    assert v1.payload_count == 1
    assert len(env.publisher.published) == 2  # registered + profiled, once each


async def test_unreadable_payload_goes_to_dead_letters_and_raw_stays(env: Env) -> None:
    body = b'{"id": 1}\n{"id": 2,'
    landed = await env.land("orders", "dead1", body)
    s3 = env.s3
    before = await s3.head_object(Bucket=env.bucket, Key=landed.key)  # type: ignore[attr-defined]

    record = await process_payload(landed, env.deps)

    assert record.status is PayloadStatus.REJECTED
    prefix = "dead-letter/source=orders/date=2026-11-23/dead1/"
    assert record.dead_letter_prefix == prefix
    copy = await s3.get_object(Bucket=env.bucket, Key=prefix + "dead1.json")  # type: ignore[attr-defined]
    assert await copy["Body"].read() == body
    report_obj = await s3.get_object(Bucket=env.bucket, Key=prefix + "error.json")  # type: ignore[attr-defined]
    report = orjson.loads(await report_obj["Body"].read())
    assert report["ingest_id"] == "dead1" and report["reason"] == record.reason
    assert report["raw_object"] == f"s3://{env.bucket}/{landed.key}"
    after = await s3.head_object(Bucket=env.bucket, Key=landed.key)  # type: ignore[attr-defined]
    assert after["ETag"] == before["ETag"] and after["VersionId"] == before["VersionId"]
    raw = await s3.get_object(Bucket=env.bucket, Key=landed.key)  # type: ignore[attr-defined]
    assert await raw["Body"].read() == body

    stored = await env.deps.index.get("dead1")
    assert stored is not None and stored.status is PayloadStatus.REJECTED
    assert [r.ingest_id for r in await env.deps.index.rejected("orders")] == ["dead1"]
    [event] = env.publisher.events("driftgate.payload.rejected.v1")
    assert event.data.dead_letter_prefix == prefix and event.data.reason == record.reason
    [line] = env.emf_lines
    emf = orjson.loads(line)
    assert emf["ProfilingFailures"] == 1 and emf["source_id"] == "orders"
    assert emf["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Name"] == "ProfilingFailures"
    assert await env.deps.registry.history("orders") == []


async def test_missing_raw_object_is_rejected_with_a_report(env: Env) -> None:
    landed = await env.land("orders", "gone", b"{}")
    await env.s3.delete_object(Bucket=env.bucket, Key=landed.key)  # type: ignore[attr-defined]
    record = await process_payload(landed, env.deps)
    assert record.status is PayloadStatus.REJECTED
    report_obj = await env.s3.get_object(  # type: ignore[attr-defined]
        Bucket=env.bucket, Key=f"{record.dead_letter_prefix}error.json"
    )
    assert orjson.loads(await report_obj["Body"].read())["payload_copied"] is False


@pytest.mark.timeout(50)
async def test_racing_handlers_with_two_new_schemas_make_one_version_each(env: Env) -> None:
    await process_payload(await env.land("two", "base", b'{"id": 1}'), env.deps)
    bodies = [b'{"id": 1, "x": "a"}', b'{"id": 1, "y": true}']
    landed = [await env.land("two", f"c{i}", bodies[i % 2]) for i in range(20)]
    await asyncio.gather(*(process_payload(p, env.deps) for p in landed))

    history = await env.deps.registry.history("two")
    assert [v.version for v in history] == [1, 2, 3]
    assert len({v.fingerprint for v in history}) == 3
    assert sorted(sorted(v.fields) for v in history[1:]) == [["id", "x"], ["id", "y"]]
    assert [v.payload_count for v in history] == [1, 10, 10]
    # Whichever won v2 is additive to v1 and became ACTIVE; the other then lacks v2's
    # required field, so it is BREAKING. Either way: one ACTIVE, v1 DEPRECATED.
    assert history[0].status is VersionStatus.DEPRECATED
    assert {history[1].status, history[2].status} == {VersionStatus.ACTIVE, VersionStatus.BREAKING}
    assert history[1].status is VersionStatus.ACTIVE
