from datetime import UTC, datetime

from driftgate.contracts import CloudEvent
from driftgate.contracts.events import PayloadRejectedV1, Severity
from driftgate.notifier.bootstrap import bootstrap
from driftgate.runtime.publisher import FakeEventPublisher

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def rejected(**overrides: object) -> CloudEvent[PayloadRejectedV1]:
    fields: dict[str, object] = {
        "ingest_id": "i9",
        "source_id": "orders",
        "reason": "line 3 is not valid JSON",
        "error_kind": "corrupt_json",
        "line": 3,
        "bucket": "driftgate-dev-raw",
        "raw_key": "raw/source=orders/date=2026-11-23/i9.json",
        "dead_letter_prefix": "dead-letter/source=orders/date=2026-11-23/i9/",
        "rejected_at": NOW,
    }
    fields.update(overrides)
    return CloudEvent.wrap(
        PayloadRejectedV1.model_validate(fields), source="/test", correlationid="c-9"
    )


async def test_rejected_payload_raises_a_warning_pointing_at_the_dead_letter() -> None:
    publisher = FakeEventPublisher()
    router = bootstrap(publisher=publisher, clock=lambda: NOW)
    cause = rejected()
    await router(cause)
    [(topic, alert)] = publisher.published
    assert topic == "alerts"
    assert alert.data.kind == "payload_rejected"
    assert alert.data.severity is Severity.WARNING
    assert "at line 3" in alert.data.detail
    assert "dead-letter/source=orders/date=2026-11-23/i9/" in alert.data.detail
    assert "driftgate payloads reprofile i9" in alert.data.detail
    assert alert.correlationid == "c-9" and alert.data.caused_by_event_id == cause.id


async def test_redelivered_rejection_gives_the_same_alert_id() -> None:
    publisher = FakeEventPublisher()
    router = bootstrap(publisher=publisher, clock=lambda: NOW)
    cause = rejected(line=None, row=7)
    await router(cause)
    await router(cause)
    first, again = publisher.events()
    assert first.id == again.id
    assert "at row 7" in first.data.detail
