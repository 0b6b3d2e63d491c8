"""Profiler's exception tree."""

from __future__ import annotations

from driftgate.runtime.errors import PermanentError, TransientError


class UnreadablePayloadError(PermanentError):
    """The payload cannot be parsed; redelivery cannot help.

    ``line`` (JSON/NDJSON, 1-based) or ``row`` (CSV data row, 1-based) locate the fault when
    the reader knows it; the dead-letter report and ``payload.rejected.v1`` carry them.
    """

    reason = "unreadable"
    """Short machine-readable cause: ``corrupt_json``, ``invalid_csv_row``, ``invalid_utf8``..."""

    def __init__(self, message: str, *, line: int | None = None, row: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.row = row


class CorruptJsonError(UnreadablePayloadError):
    """Not valid JSON, or a JSON value that is not a record (object)."""

    reason = "corrupt_json"


class InvalidCsvRowError(UnreadablePayloadError):
    """A CSV row whose column count differs from the header's, or a malformed header."""

    reason = "invalid_csv_row"


class InvalidEncodingError(UnreadablePayloadError):
    """Bytes that are not valid UTF-8."""

    reason = "invalid_utf8"


class BrokenCompressionError(UnreadablePayloadError):
    """A gzip stream that is truncated or corrupt."""

    reason = "broken_gzip"


class RecordTooLargeError(UnreadablePayloadError):
    """One record (a JSON object, an NDJSON line, a CSV row) longer than the profiler holds.

    Payloads are streamed whatever their size; only a single record is held whole.
    """

    reason = "record_too_large"


class EmptyPayloadError(UnreadablePayloadError):
    """The payload holds no records to profile."""

    reason = "empty"


class RegistryConflictError(TransientError):
    """Another profiler wrote the same version first; re-reading the registry resolves it."""


class RegistryUnavailableError(TransientError):
    """The schema registry could not be read or written."""


class PayloadUnavailableError(TransientError):
    """The raw object could not be read."""


class UnknownVersionError(PermanentError):
    """A review or lookup named a schema version that does not exist."""


class ReviewNotAllowedError(PermanentError):
    """The requested review does not apply to the version's current status."""
