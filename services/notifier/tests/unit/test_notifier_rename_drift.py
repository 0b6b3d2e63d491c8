from datetime import UTC, datetime

from driftgate.contracts.events import FieldRename, SchemaDriftDetectedV1, Severity
from driftgate.notifier.domain.drift_alerts import drift_alert


def test_non_breaking_rename_candidate_is_a_warning() -> None:
    drift = SchemaDriftDetectedV1(
        source_id="orders",
        ingest_id="i2",
        previous_version=1,
        new_version=2,
        added_fields=["customer_id"],
        removed_fields=["customerId"],
        breaking=False,
        reasons=["possible rename of customerId to customer_id (confidence 1.00)"],
        renamed=[FieldRename(old="customerId", new="customer_id", confidence=1.0)],
    )
    alert = drift_alert(drift, "cause-1", datetime(2026, 11, 23, tzinfo=UTC))
    assert alert.severity is Severity.WARNING
    assert "possible rename of customerId to customer_id" in alert.detail
