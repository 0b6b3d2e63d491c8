"""Pydantic models of what the HTTP API answers; the OpenAPI document is built from them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class IngestReceipt(BaseModel):
    """The 202 body: the payload is durable and ``payload.landed.v1`` was published."""

    model_config = ConfigDict(extra="forbid")

    ingest_id: str = Field(pattern=r"^[0-9A-HJKMNP-TV-Z]{26}$", description="ULID of this payload")
    location: str = Field(
        pattern=r"^s3://[^/]+/raw/source=[a-z0-9][a-z0-9_-]{0,62}/date=\d{4}-\d{2}-\d{2}/.+$",
        description="s3://<bucket>/raw/source=<id>/date=YYYY-MM-DD/<ingest_id>.<ext>",
    )
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="of the stored (decoded) bytes")
    size: int = Field(ge=1, description="stored (decoded) bytes")


class Problem(BaseModel):
    """RFC 9457 problem details, with the request's correlation id."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="stable URI naming the problem; branch on this")
    title: str
    status: int = Field(ge=400, le=599)
    detail: str = Field(description="what went wrong, for humans")
    correlation_id: str = Field(description="quote it when reporting a problem")
    instance: str | None = Field(default=None, description="the request path")


class Health(BaseModel):
    model_config = ConfigDict(extra="allow")
