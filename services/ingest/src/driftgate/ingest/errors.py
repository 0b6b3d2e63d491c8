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


class InvalidSourceIdError(IngestError):
    status, problem, title = 400, "invalid-source-id", "Invalid source id"


class EmptyBodyError(IngestError):
    status, problem, title = 400, "empty-body", "Empty body"


class UnauthenticatedError(IngestError):
    status, problem, title = 401, "unauthenticated", "Missing or unknown API key"


class ForbiddenSourceError(IngestError):
    status, problem, title = 403, "forbidden-source", "API key not valid for this source"


class PayloadTooLargeError(IngestError):
    status, problem, title = 413, "payload-too-large", "Payload too large"


class UnsupportedMediaTypeError(IngestError):
    status, problem, title = 415, "unsupported-media-type", "Unsupported content type"


class StorageUnavailableError(IngestError):
    """S3 or SNS refused or failed; the client should retry.

    If S3 stored the object but SNS refused the event, the object stays (the raw zone is
    immutable) without a ``payload.landed.v1``; the retry lands a new object. The full ingest
    issue removes this gap with multipart uploads completed only after publishing.
    """

    status, problem, title = 503, "storage-unavailable", "Temporarily unavailable"
    retryable = True
    retry_after = 5
