"""The status service's exception tree. Each error knows its HTTP status and problem type."""

from __future__ import annotations

from typing import Any

from driftgate.runtime.errors import DriftgateError

PROBLEM_BASE = "https://driftgate.dev/problems/"


class StatusError(DriftgateError):
    """Base of every error the status API reports as problem+json."""

    status: int = 500
    problem: str = "internal"
    title: str = "Internal error"
    retry_after: int | None = None

    def extensions(self) -> dict[str, Any]:
        """Extra problem+json members (RFC 9457 extensions)."""
        return {}


class InvalidRequestError(StatusError):
    status, problem, title = 400, "invalid-request", "Invalid request"


class InvalidCursorError(StatusError):
    status, problem, title = 400, "invalid-cursor", "Invalid cursor"


class InvalidTransitionError(StatusError):
    status, problem, title = 400, "invalid-transition", "Invalid status transition"

    def __init__(self, message: str, *, current: str, requested: str, allowed: list[str]) -> None:
        super().__init__(message)
        self.current = current
        self.requested = requested
        self.allowed = allowed

    def extensions(self) -> dict[str, Any]:
        return {
            "current_status": self.current,
            "requested_status": self.requested,
            "allowed_next": self.allowed,
        }


class UnauthenticatedError(StatusError):
    status, problem, title = 401, "unauthenticated", "Missing or unknown operator key"


class BadSignatureError(StatusError):
    status, problem, title = 401, "bad-signature", "Callback signature not valid"


class JobNotFoundError(StatusError):
    status, problem, title = 404, "job-not-found", "Job not found"


class IdempotencyConflictError(StatusError):
    status, problem, title = 409, "idempotency-key-reused", "Idempotency key reused"


class TransitionConflictError(StatusError):
    """Another writer changed the job between our read and our conditional write."""

    status, problem, title = 409, "transition-conflict", "Job changed concurrently"
    retryable = True


class PayloadTooLargeError(StatusError):
    status, problem, title = 413, "payload-too-large", "Payload too large"


class UnsupportedMediaTypeError(StatusError):
    status, problem, title = 415, "unsupported-media-type", "Unsupported content type"


class StoreUnavailableError(StatusError):
    status, problem, title = 503, "store-unavailable", "Temporarily unavailable"
    retryable = True
    retry_after = 2
