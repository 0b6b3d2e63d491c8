"""Map botocore errors onto the runtime's exception tree, at the adapter boundary."""

from __future__ import annotations

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from driftgate.runtime.errors import DriftgateError, PermanentError, TransientError

_TRANSIENT_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestLimitExceeded",
        "ProvisionedThroughputExceededException",
        "SlowDown",
        "ServiceUnavailable",
        "InternalError",
        "InternalFailure",
        "RequestTimeout",
        "RequestTimeoutException",
        "TransactionInProgressException",
    }
)


def classify(exc: Exception, what: str) -> DriftgateError:
    """Translate an SDK error into a retryable or permanent driftgate error (``raise … from``)."""
    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code", "Unknown")
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if code in _TRANSIENT_CODES or status >= 500:
            return TransientError(f"{what}: {code}")
        return PermanentError(f"{what}: {code}")
    if isinstance(exc, EndpointConnectionError | ConnectionClosedError | ReadTimeoutError):
        return TransientError(f"{what}: {type(exc).__name__}")
    if isinstance(exc, BotoCoreError):
        return TransientError(f"{what}: {exc}")
    return PermanentError(f"{what}: {exc}")
