from datetime import UTC, datetime

import pytest

from driftgate.contracts import CloudEvent
from driftgate.contracts.events import PayloadLandedV1
from driftgate.profiler.adapters.dynamo_registry import InMemorySchemaRegistry
from driftgate.profiler.adapters.s3_payload_reader import FakePayloadReader
from driftgate.profiler.errors import RegistryConflictError, UnreadablePayloadError
from driftgate.profiler.handlers import ProfilerDeps, on_payload_landed
from driftgate.runtime.publisher import FakeEventPublisher

NOW = datetime(2026, 11, 23, tzinfo=UTC)
DRIFT = "driftgate.schema.drift.detected.v1"


def landed(reader: FakePayloadReader, ingest_id: str, body: bytes) -> CloudEvent[PayloadLandedV1]:
    key = f"raw/source=orders/date=2026-11-23/{ingest_id}.json"
    reader.objects[("raw", key)] = body
    return CloudEvent.wrap(
        PayloadLandedV1(
            ingest_id=ingest_id,
            source_id="orders",
            bucket="raw",
            key=key,
            content_type="application/json",
            size_bytes=len(body),
            sha256="0" * 64,
            received_at=NOW,
        ),
        source="/test",
    )


@pytest.fixture
def deps() -> ProfilerDeps:
    return ProfilerDeps(
        reader=FakePayloadReader(),
        registry=InMemorySchemaRegistry(),
        publisher=FakeEventPublisher(),
        clock=lambda: NOW,
    )


async def test_first_payload_registers_without_drift_then_removal_drifts(
    deps: ProfilerDeps,
) -> None:
    assert isinstance(deps.reader, FakePayloadReader)
    assert isinstance(deps.publisher, FakeEventPublisher)
    await on_payload_landed(landed(deps.reader, "i1", b'{"customer_id": "c1", "total": 3}'), deps)
    assert deps.publisher.events() == []

    await on_payload_landed(landed(deps.reader, "i2", b'{"customer_id": "c2", "total": 4}'), deps)
    assert deps.publisher.events() == []  # same schema: no new version, no drift

    await on_payload_landed(landed(deps.reader, "i3", b'{"total": 5}'), deps)
    [drift] = deps.publisher.events(DRIFT)
    assert drift.data.removed_fields == ["customer_id"]
    assert drift.data.breaking and drift.data.previous_version == 1 and drift.data.new_version == 2
    assert drift.data.reasons == ["removed field customer_id"]
    latest = await deps.registry.latest("orders")
    assert latest is not None and latest.version == 2


async def test_redelivery_republishes_the_same_drift_event(deps: ProfilerDeps) -> None:
    assert isinstance(deps.reader, FakePayloadReader)
    assert isinstance(deps.publisher, FakeEventPublisher)
    await on_payload_landed(landed(deps.reader, "i1", b'{"a": 1, "b": 2}'), deps)
    second = landed(deps.reader, "i2", b'{"a": 1}')
    await on_payload_landed(second, deps)
    await on_payload_landed(second, deps)
    first, again = deps.publisher.events(DRIFT)
    assert first.id == again.id
    assert isinstance(deps.registry, InMemorySchemaRegistry)
    assert len(deps.registry.versions["orders"]) == 2


async def test_conflicting_writer_surfaces_a_retryable_error(deps: ProfilerDeps) -> None:
    assert isinstance(deps.reader, FakePayloadReader)
    registry = deps.registry
    assert isinstance(registry, InMemorySchemaRegistry)
    await on_payload_landed(landed(deps.reader, "i1", b'{"a": 1}'), deps)
    stale = await registry.latest("orders")

    class StaleRegistry(InMemorySchemaRegistry):
        async def latest(self, source_id: str):  # type: ignore[no-untyped-def]
            return stale

    racing = StaleRegistry(versions=registry.versions)
    await on_payload_landed(landed(deps.reader, "i2", b'{"b": 1}'), deps)
    deps.registry = racing
    with pytest.raises(RegistryConflictError) as exc:
        await on_payload_landed(landed(deps.reader, "i3", b'{"c": 1}'), deps)
    assert exc.value.retryable


async def test_unreadable_payload_is_permanent(deps: ProfilerDeps) -> None:
    assert isinstance(deps.reader, FakePayloadReader)
    with pytest.raises(UnreadablePayloadError) as exc:
        await on_payload_landed(landed(deps.reader, "i1", b"{broken"), deps)
    assert not exc.value.retryable
