"""Lifecycle status of a schema version."""

from __future__ import annotations

from enum import StrEnum


class VersionStatus(StrEnum):
    ACTIVE = "ACTIVE"
    """The version consumers should read with; at most one per source."""
    BREAKING = "BREAKING"
    """Violates the source's policy; waits for a human (approve makes it ACTIVE)."""
    DEPRECATED = "DEPRECATED"
    """Superseded by a later ACTIVE version; kept forever."""


class ReviewDecision(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"
