"""Secret redaction for anything that leaves the process as text (logs, error details).

Two nets: values under sensitive-looking keys are replaced whatever they contain, and strings
that *look* like credentials (driftgate API keys, AWS keys, ``key=value`` pairs with a sensitive
key) are masked wherever they appear, including inside free-form log messages.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

MASK = "***"

# Substrings of a normalised key (lower case, ``-`` → ``_``) that mark its value as secret.
_SENSITIVE_KEY_PARTS = (
    "api_key",
    "apikey",
    "authorization",
    "secret",
    "password",
    "passwd",
    "token",
    "signature",
    "credential",
    "cookie",
    "private_key",
)

_DRIFTGATE_KEY = re.compile(r"\bdgk_[A-Za-z0-9_-]{8,}")
_AWS_ACCESS_KEY_ID = re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b")
# A 40-character base64 run with upper, lower and digit: the shape of an AWS secret access key.
# Requiring mixed case keeps lower-case hex digests (SHA-1, commit ids) readable.
_AWS_SECRET = re.compile(
    r"(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]*[A-Z])(?=[A-Za-z0-9/+]*[a-z])(?=[A-Za-z0-9/+]*[0-9])"
    r"[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"
)
_KEY_VALUE = re.compile(
    r"(?i)\b(authorization|x-api-key|api[_-]?key|password|passwd|secret[\w-]*|[\w-]*token"
    r"|signature)(\s*[:=]\s*)(?:bearer\s+|basic\s+)?(\"[^\"]*\"|'[^']*'|[^\s,;&]+)"
)


def is_sensitive_key(key: str) -> bool:
    normalised = key.lower().replace("-", "_")
    return any(part in normalised for part in _SENSITIVE_KEY_PARTS)


def redact_text(text: str) -> str:
    """Mask credential-looking substrings in free text."""
    text = _KEY_VALUE.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)
    text = _DRIFTGATE_KEY.sub(MASK, text)
    text = _AWS_ACCESS_KEY_ID.sub(MASK, text)
    return _AWS_SECRET.sub(MASK, text)


def redact_value(value: Any) -> Any:
    """Redact a JSON-like value: sensitive keys at any depth, credential-looking strings."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {
            k: MASK if isinstance(k, str) and is_sensitive_key(k) else redact_value(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        return [redact_value(v) for v in value]
    return value


class RedactingFilter(logging.Filter):
    """Rewrites each record in place so no handler after it can see a secret.

    The message is rendered once (``msg % args``) and redacted, and every ``extra=`` attribute
    is redacted by key and by value.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "_driftgate_redacted", False):
            record.msg = redact_text(record.getMessage())
            record.args = None
            for key in extra_keys(record):
                value = record.__dict__[key]
                record.__dict__[key] = MASK if is_sensitive_key(key) else redact_value(value)
            record.__dict__["_driftgate_redacted"] = True
        return True


# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD_ATTRS = frozenset(logging.LogRecord("", logging.INFO, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "taskName",
    "_driftgate_redacted",
}


def extra_keys(record: logging.LogRecord) -> list[str]:
    return [k for k in record.__dict__ if k not in _STANDARD_ATTRS]
