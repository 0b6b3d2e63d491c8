"""Ingest's exception tree. Each error knows its HTTP status and stable problem type."""

from __future__ import annotations

from driftgate.runtime.errors import DriftgateError

PROBLEM_BASE = "https://driftgate.dev/problems/"


class IngestError(DriftgateError):
    """Base of every error the ingest API reports to a client as problem+json."""

    status: int = 500
    problem: str = "internal"
    title: str = "Internal error"
    retry_after: int | None = None

    def __init__(self, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        if retry_after is not None:
            self.retry_after = retry_after


class InvalidSourceIdError(IngestError):
    status, problem, title = 400, "invalid-source-id", "Invalid source id"


class EmptyBodyError(IngestError):
    status, problem, title = 400, "empty-body", "Empty body"


class InvalidGzipError(IngestError):
    status, problem, title = 400, "invalid-gzip", "Body is not valid gzip"


class InvalidIdempotencyKeyError(IngestError):
    status, problem, title = 400, "invalid-idempotency-key", "Invalid Idempotency-Key"


class UnauthenticatedError(IngestError):
    status, problem, title = 401, "unauthenticated", "Missing or unknown API key"


class ForbiddenSourceError(IngestError):
    status, problem, title = 403, "forbidden-source", "API key not valid for this source"


class IdempotencyKeyReusedError(IngestError):
    status, problem, title = 409, "idempotency-key-reused", "Idempotency-Key used for another body"


class IdempotencyKeyInProgressError(IngestError):
    """A request with the same key is still running; retry after it finishes."""

    status, problem, title = 409, "idempotency-key-in-progress", "Same Idempotency-Key in progress"
    retry_after = 1


class PayloadTooLargeError(IngestError):
    status, problem, title = 413, "payload-too-large", "Payload too large"


class UnsupportedMediaTypeError(IngestError):
    status, problem, title = 415, "unsupported-media-type", "Unsupported content type"


class UnsupportedContentEncodingError(IngestError):
    status, problem, title = 415, "unsupported-content-encoding", "Unsupported content encoding"


class RateLimitedError(IngestError):
    status, problem, title = 429, "rate-limited", "Too many requests for this API key"
    retry_after = 1


class StorageUnavailableError(IngestError):
    """S3, SNS or DynamoDB refused or failed; the client should retry (see docs/adr/0007)."""

    status, problem, title = 503, "storage-unavailable", "Temporarily unavailable"
    retryable = True
    retry_after = 5


# Every problem type the API can answer with, for the OpenAPI document and the runbook.
ALL_ERRORS: tuple[type[IngestError], ...] = (
    InvalidSourceIdError,
    EmptyBodyError,
    InvalidGzipError,
    InvalidIdempotencyKeyError,
    UnauthenticatedError,
    ForbiddenSourceError,
    IdempotencyKeyReusedError,
    IdempotencyKeyInProgressError,
    PayloadTooLargeError,
    UnsupportedMediaTypeError,
    UnsupportedContentEncodingError,
    RateLimitedError,
    StorageUnavailableError,
)
