"""The OpenAPI 3.1 document, built from the pydantic models and the error tree."""

from __future__ import annotations

from typing import Any

from driftgate.ingest.domain.idempotency import IDEMPOTENCY_KEY_RE
from driftgate.ingest.domain.media import ACCEPTED_TYPES
from driftgate.ingest.domain.source_id import SOURCE_ID_RE
from driftgate.ingest.entrypoints.api_models import Health, IngestReceipt, Problem
from driftgate.ingest.errors import ALL_ERRORS, PROBLEM_BASE, IngestError

PAYLOADS_PATH = "/v1/sources/{source_id}/payloads"
DOCS_ASSETS = ("swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png")
_REF = "#/components/schemas/{model}"

_HEADERS: dict[str, Any] = {
    "X-Correlation-ID": {
        "description": "the request's X-Correlation-ID when valid, otherwise a generated one",
        "required": True,
        "schema": {"type": "string", "pattern": r"^[A-Za-z0-9._:-]{1,128}$"},
    },
    "Retry-After": {
        "description": "seconds to wait before retrying",
        "required": True,
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    },
}
_CID = {"X-Correlation-ID": {"$ref": "#/components/headers/X-Correlation-ID"}}
_RETRY = {**_CID, "Retry-After": {"$ref": "#/components/headers/Retry-After"}}


def _problem_response(status: int, errors: list[type[IngestError]]) -> dict[str, Any]:
    kinds = "; ".join(f"`{PROBLEM_BASE}{e.problem}`: {e.title}" for e in errors)
    headers = _RETRY if all(e.retry_after for e in errors) else _CID
    return {
        "description": kinds or "error",
        "headers": headers,
        "content": {"application/problem+json": {"schema": {"$ref": _REF.format(model="Problem")}}},
    }


def _payload_responses() -> dict[str, Any]:
    by_status: dict[int, list[type[IngestError]]] = {}
    for error in ALL_ERRORS:
        by_status.setdefault(error.status, []).append(error)
    responses: dict[str, Any] = {
        "202": {
            "description": "stored in the raw zone and announced (or an idempotent replay)",
            "headers": _CID,
            "content": {
                "application/json": {"schema": {"$ref": _REF.format(model="IngestReceipt")}}
            },
        }
    }
    for status, errors in sorted(by_status.items()):
        responses[str(status)] = _problem_response(status, errors)
    responses["default"] = _problem_response(0, [])
    return responses


def _header_param(
    name: str, description: str, schema: dict[str, Any], required: bool = False
) -> dict[str, Any]:
    return {
        "name": name,
        "in": "header",
        "required": required,
        "description": description,
        "schema": schema,
    }


def _payloads_operation() -> dict[str, Any]:
    body_content: dict[str, Any] = {t: {"schema": {}} for t in ACCEPTED_TYPES}
    body_content["text/csv"] = {"schema": {"type": "string"}}
    body_content["application/x-ndjson"] = {"schema": {"type": "string"}}
    return {
        "operationId": "postPayload",
        "summary": "Land one payload in the raw zone",
        "description": (
            "Streams the body to S3 (multipart above a threshold), publishes "
            "payload.landed.v1, then answers 202. The content is not parsed here."
        ),
        "security": [{"ApiKey": []}],
        "parameters": [
            {
                "name": "source_id",
                "in": "path",
                "required": True,
                "schema": {"type": "string", "pattern": SOURCE_ID_RE.pattern},
            },
            _header_param(
                "Idempotency-Key",
                "retries with the same key and body answer the original 202",
                {"type": "string", "pattern": IDEMPOTENCY_KEY_RE.pattern},
            ),
            _header_param(
                "Content-Encoding",
                "gzip bodies are decoded and stored decoded",
                {"type": "string", "enum": ["gzip", "identity"]},
            ),
            _header_param(
                "X-Correlation-ID",
                "echoed back; generated when absent",
                {"type": "string", "pattern": r"^[A-Za-z0-9._:-]{1,128}$"},
            ),
        ],
        "requestBody": {"required": True, "content": body_content},
        "responses": _payload_responses(),
    }


def _get(summary: str, media: str, schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    ok = {"description": "OK", "content": {media: {"schema": schema}}}
    return {"get": {"summary": summary, "responses": {"200": ok, **extra}}}


def build_openapi() -> dict[str, Any]:
    models = (IngestReceipt, Problem, Health)
    schemas = {m.__name__: m.model_json_schema(ref_template=_REF) for m in models}
    health = {"$ref": _REF.format(model="Health")}
    not_ready = {
        "description": "not ready",
        "content": {"application/json": {"schema": health}},
    }
    docs_asset = _get("Swagger UI asset", "text/css", {"type": "string"})
    docs_asset["get"]["responses"]["200"]["content"].update(
        {"application/javascript": {"schema": {}}, "image/png": {"schema": {}}}
    )
    docs_asset["get"]["parameters"] = [
        {"name": "name", "in": "path", "required": True, "schema": {"enum": list(DOCS_ASSETS)}}
    ]
    docs_asset["get"]["responses"]["default"] = _problem_response(0, [])
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "driftgate ingest",
            "version": "1",
            "description": "Source systems push payloads here. Problem types: "
            + ", ".join(PROBLEM_BASE + e.problem for e in ALL_ERRORS),
        },
        "paths": {
            PAYLOADS_PATH: {"post": _payloads_operation()},
            "/openapi.json": _get("This document", "application/json", {"type": "object"}),
            "/docs": _get("Swagger UI", "text/html", {"type": "string"}),
            "/docs/assets/{name}": docs_asset,
            "/healthz": _get("Liveness", "application/json", health),
            "/readyz": _get("Readiness", "application/json", health, **{"503": not_ready}),
        },
        "components": {
            "schemas": schemas,
            "headers": _HEADERS,
            "securitySchemes": {"ApiKey": {"type": "apiKey", "in": "header", "name": "X-Api-Key"}},
            "x-problem-types": {
                PROBLEM_BASE + e.problem: {"status": e.status, "title": e.title} for e in ALL_ERRORS
            },
        },
    }
