"""Event payload models. One module per event family; each model is one type and major version."""

from driftgate.contracts.events.alert import AlertRaisedV1, Severity
from driftgate.contracts.events.payload import PayloadLandedV1
from driftgate.contracts.events.schema import FieldTypeChange, SchemaDriftDetectedV1

__all__ = [
    "AlertRaisedV1",
    "FieldTypeChange",
    "PayloadLandedV1",
    "SchemaDriftDetectedV1",
    "Severity",
]
