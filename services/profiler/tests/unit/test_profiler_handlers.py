from datetime import UTC, datetime

import pytest

from driftgate.contracts import CloudEvent
from driftgate.contracts.events import PayloadLandedV1
from driftgate.profiler.adapters.dynamo_registry import InMemorySchemaRegistry
from driftgate.profiler.adapters.emf_metrics import RecordingMetrics
from driftgate.profiler.adapters.payload_index import InMemoryPayloadIndex
from driftgate.profiler.adapters.policy_store import InMemoryPolicyStore
from driftgate.profiler.adapters.s3_dead_letters import FakeDeadLetters
from driftgate.profiler.adapters.s3_payload_reader import FakePayloadReader
from driftgate.profiler.domain.compatibility import CompatibilityPolicy
from driftgate.profiler.domain.payload_record import PayloadStatus
from driftgate.profiler.domain.status import VersionStatus
from driftgate.profiler.handlers import ProfilerDeps, on_payload_landed, process_payload
from driftgate.runtime.publisher import FakeEventPublisher

NOW = datetime(2026, 11, 23, tzinfo=UTC)
DRIFT = "driftgate.schema.drift.detected.v1"
REGISTERED = "driftgate.schema.version.registered.v1"
PROFILED = "driftgate.payload.profiled.v1"
REJECTED = "driftgate.payload.rejected.v1"


class Harness:
    def __init__(self) -> None:
        self.reader = FakePayloadReader()
        self.registry = InMemorySchemaRegistry()
        self.index = InMemoryPayloadIndex(self.registry)
        self.dead_letters = FakeDeadLetters()
        self.policies = InMemoryPolicyStore()
        self.metrics = RecordingMetrics()
        self.publisher = FakeEventPublisher()
        self.deps = ProfilerDeps(
            reader=self.reader,
            registry=self.registry,
            index=self.index,
            dead_letters=self.dead_letters,
            policies=self.policies,
            metrics=self.metrics,
            publisher=self.publisher,
            clock=lambda: NOW,
        )

    def landed(self, ingest_id: str, body: bytes) -> CloudEvent[PayloadLandedV1]:
        key = f"raw/source=orders/date=2026-11-23/{ingest_id}.json"
        self.reader.objects[("raw", key)] = body
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
            correlationid=f"corr-{ingest_id}",
        )

    async def send(self, ingest_id: str, body: bytes) -> CloudEvent[PayloadLandedV1]:
        event = self.landed(ingest_id, body)
        await on_payload_landed(event, self.deps)
        return event


@pytest.fixture
def h() -> Harness:
    return Harness()


async def test_equal_schema_only_counts_removed_required_field_is_breaking(h: Harness) -> None:
    await h.send("i1", b'{"customer_id": "c1", "total": 3}')
    await h.send("i2", b'{"customer_id": "c2", "total": 4}')
    assert [e.data.version for e in h.publisher.events(REGISTERED)] == [1]
    [v1] = await h.registry.history("orders")
    assert v1.payload_count == 2 and v1.status is VersionStatus.ACTIVE
    assert h.publisher.events(DRIFT) == []

    await h.send("i3", b'{"total": 5}')
    [drift] = h.publisher.events(DRIFT)
    assert drift.data.removed_fields == ["customer_id"]
    assert drift.data.breaking and drift.data.status == "BREAKING"
    assert drift.data.previous_version == 1 and drift.data.new_version == 2
    assert drift.data.reasons == ["removed field customer_id (required in v1)"]
    assert drift.correlationid == "corr-i3"
    v1, v2 = await h.registry.history("orders")
    assert v1.status is VersionStatus.ACTIVE  # a BREAKING version waits for review
    assert v2.status is VersionStatus.BREAKING and v2.payload_count == 1
    assert h.index.records["i3"].schema_version == 2


async def test_additive_change_activates_and_deprecates_without_drift(h: Harness) -> None:
    await h.send("i1", b'{"a": 1}')
    await h.send("i2", b'{"a": 2, "b": "x"}')
    assert h.publisher.events(DRIFT) == []
    v1, v2 = await h.registry.history("orders")
    assert (v1.status, v2.status) == (VersionStatus.DEPRECATED, VersionStatus.ACTIVE)
    assert v2.reasons == ("added field b",) and v2.promoted_at == NOW


async def test_removed_optional_field_is_not_breaking(h: Harness) -> None:
    await h.send("i1", b'[{"a": 1, "note": "x"}, {"a": 2}]')
    await h.send("i2", b'[{"a": 3}]')
    assert h.publisher.events(DRIFT) == []
    latest = (await h.registry.history("orders"))[-1]
    assert latest.status is VersionStatus.ACTIVE
    assert latest.reasons == ("removed field note (optional in v1)",)


async def test_policy_none_accepts_removal_and_forward_rejects_widening(h: Harness) -> None:
    h.policies.policies["orders"] = CompatibilityPolicy.NONE
    await h.send("i1", b'{"a": 1, "b": 1}')
    await h.send("i2", b'{"a": 1}')
    assert (await h.registry.history("orders"))[-1].status is VersionStatus.ACTIVE
    h.policies.policies["orders"] = CompatibilityPolicy.FORWARD
    await h.send("i3", b'{"a": 1.5}')
    [drift] = h.publisher.events(DRIFT)
    assert drift.data.policy == "FORWARD" and drift.data.compatibility == "BACKWARD"
    assert drift.data.reasons[0].startswith("changed type of a from integer to number")


async def test_rename_candidate_is_reported_as_drift(h: Harness) -> None:
    await h.send("i1", b'[{"customerId": "c1", "n": 1}, {"n": 2}]')
    await h.send("i2", b'[{"customer_id": "c1", "n": 1}, {"n": 2}]')
    [drift] = h.publisher.events(DRIFT)
    assert not drift.data.breaking  # the old name was optional
    assert [(r.old, r.new) for r in drift.data.renamed] == [("customerId", "customer_id")]
    assert any("possible rename of customerId to customer_id" in r for r in drift.data.reasons)


async def test_redelivery_creates_no_version_and_no_event(h: Harness) -> None:
    await h.send("i1", b'{"a": 1, "b": 2}')
    second = await h.send("i2", b'{"a": 1}')
    published = len(h.publisher.published)
    await on_payload_landed(second, h.deps)
    assert len(h.publisher.published) == published
    assert len(h.registry.versions["orders"]) == 2
    assert (await h.registry.history("orders"))[1].payload_count == 1


async def test_redelivery_after_crash_before_publish_republishes_same_ids(h: Harness) -> None:
    await h.send("i1", b'{"a": 1, "b": 2}')
    h.publisher.fail_next = 1
    second = h.landed("i2", b'{"a": 1}')
    with pytest.raises(Exception, match="fake publish"):
        await on_payload_landed(second, h.deps)
    await on_payload_landed(second, h.deps)
    [drift] = h.publisher.events(DRIFT)
    assert drift.data.new_version == 2
    assert len(h.registry.versions["orders"]) == 2
    assert (await h.registry.history("orders"))[1].payload_count == 1


async def test_unreadable_payload_is_dead_lettered_once(h: Harness) -> None:
    event = await h.send("bad", b'[{"a": 1},\n{broken')
    [rejected] = h.publisher.events(REJECTED)
    assert rejected.data.source_id == "orders" and rejected.data.error_kind
    assert rejected.data.dead_letter_prefix == "dead-letter/source=orders/date=2026-11-23/bad/"
    assert h.index.records["bad"].status is PayloadStatus.REJECTED
    assert h.metrics.failures == [("orders", rejected.data.error_kind)]
    assert list(h.dead_letters.stored) == [rejected.data.dead_letter_prefix]
    assert h.reader.objects[("raw", event.data.key)] == b'[{"a": 1},\n{broken'
    await on_payload_landed(event, h.deps)
    assert len(h.publisher.events(REJECTED)) == 1
    assert h.metrics.failures == [("orders", rejected.data.error_kind)]
    assert h.registry.versions == {}


async def test_reprofile_of_fixed_payload_profiles_with_new_event_ids(h: Harness) -> None:
    event = await h.send("p1", b"{broken")
    h.reader.objects[("raw", event.data.key)] = b'{"a": 1}'  # stands in for a fixed profiler
    record = await process_payload(event.data, h.deps, reprofile=True)
    assert record.status is PayloadStatus.PROFILED and record.attempt == 2
    [profiled] = h.publisher.events(PROFILED)
    [rejected] = h.publisher.events(REJECTED)
    assert profiled.id != rejected.id
    assert (await h.registry.history("orders"))[0].payload_count == 1


async def test_rename_found_by_value_evidence_kept_in_the_registry(h: Harness) -> None:
    ids = [f"K-{n:04d}" for n in range(12)]
    before = b"[" + b",".join(b'{"k": 1, "acct": "%s"}' % i.encode() for i in ids) + b"]"
    after = b"[" + b",".join(b'{"k": 1, "holder": "%s"}' % i.encode() for i in ids) + b"]"
    await h.send("i1", before)
    [v1] = await h.registry.history("orders")
    assert v1.fields["acct"].samples  # value evidence kept with the version
    await h.send("i2", after)
    [drift] = h.publisher.events(DRIFT)
    [rename] = drift.data.renamed
    assert (rename.old, rename.new) == ("acct", "holder") and rename.confidence >= 0.7
    assert drift.data.breaking  # acct was required: consumers of acct lose it either way
