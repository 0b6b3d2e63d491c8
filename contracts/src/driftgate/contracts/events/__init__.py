"""Event payload models. One module per event family; each model is one type and major version."""

from driftgate.contracts.events.alert import AlertRaisedV1, Severity
from driftgate.contracts.events.job import (
    JobCallbackV1,
    JobStalledV1,
    JobStatus,
    JobStatusChangedV1,
    JobSubmittedV1,
    Quality,
    QualityCheck,
    QualityLevel,
)
from driftgate.contracts.events.payload import PayloadLandedV1
from driftgate.contracts.events.profiling import PayloadProfiledV1, PayloadRejectedV1
from driftgate.contracts.events.schema import (
    FieldRename,
    FieldTypeChange,
    RegisteredField,
    SchemaDriftDetectedV1,
    SchemaVersionRegisteredV1,
    SchemaVersionReviewedV1,
)

__all__ = [
    "AlertRaisedV1",
    "FieldRename",
    "FieldTypeChange",
    "JobCallbackV1",
    "JobStalledV1",
    "JobStatus",
    "JobStatusChangedV1",
    "JobSubmittedV1",
    "PayloadLandedV1",
    "PayloadProfiledV1",
    "PayloadRejectedV1",
    "Quality",
    "QualityCheck",
    "QualityLevel",
    "RegisteredField",
    "SchemaDriftDetectedV1",
    "SchemaVersionRegisteredV1",
    "SchemaVersionReviewedV1",
    "Severity",
]
