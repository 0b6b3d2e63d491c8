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
from driftgate.contracts.events.schema import FieldTypeChange, SchemaDriftDetectedV1

__all__ = [
    "AlertRaisedV1",
    "FieldTypeChange",
    "JobCallbackV1",
    "JobStalledV1",
    "JobStatus",
    "JobStatusChangedV1",
    "JobSubmittedV1",
    "PayloadLandedV1",
    "Quality",
    "QualityCheck",
    "QualityLevel",
    "SchemaDriftDetectedV1",
    "Severity",
]
