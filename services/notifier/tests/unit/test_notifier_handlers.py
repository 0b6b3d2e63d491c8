from datetime import UTC, datetime

from driftgate.contracts import CloudEvent
from driftgate.contracts.events import SchemaDriftDetectedV1, Severity
from driftgate.notifier.handlers import NotifierDeps, on_schema_drift
from driftgate.runtime.publisher import FakeEventPublisher, message_attributes

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def drift(**overrides: object) -> CloudEvent[SchemaDriftDetectedV1]:
    fields: dict[str, object] = {
        "source_id": "orders",
        "ingest_id": "i2",
        "previous_version": 1,
        "new_version": 2,
        "removed_fields": ["customer_id"],
        "breaking": True,
        "reasons": ["removed field customer_id"],
    }
    fields.update(overrides)
    return CloudEvent.wrap(
        SchemaDriftDetectedV1.model_validate(fields), source="/test", correlationid="c-1"
    )


async def test_breaking_drift_raises_a_critical_alert_with_severity_attribute() -> None:
    publisher = FakeEventPublisher()
    cause = drift()
    await on_schema_drift(cause, NotifierDeps(publisher=publisher, clock=lambda: NOW))
    [(topic, alert)] = publisher.published
    assert topic == "alerts"
    assert alert.type == "driftgate.alert.raised.v1"
    assert alert.data.severity is Severity.CRITICAL
    assert alert.data.caused_by_event_id == cause.id
    assert "removed field customer_id" in alert.data.detail
    assert alert.correlationid == "c-1"
    assert message_attributes(alert) == {
        "event_type": "driftgate.alert.raised.v1",
        "source_id": "orders",
        "severity": "critical",
    }


async def test_same_drift_twice_gives_the_same_alert_id() -> None:
    publisher = FakeEventPublisher()
    deps = NotifierDeps(publisher=publisher, clock=lambda: NOW)
    cause = drift()
    await on_schema_drift(cause, deps)
    await on_schema_drift(cause, deps)
    first, second = publisher.events()
    assert first.id == second.id == first.data.alert_id


async def test_additive_drift_is_informational() -> None:
    publisher = FakeEventPublisher()
    additive = drift(removed_fields=[], added_fields=["channel"], breaking=False, reasons=[])
    await on_schema_drift(additive, NotifierDeps(publisher=publisher, clock=lambda: NOW))
    assert publisher.events()[0].data.severity is Severity.INFO
