"""The OpenAPI 3.1 document, built from the request/response models, and a Swagger UI page."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from driftgate.contracts.events import JobCallbackV1
from driftgate.status.entrypoints.api_models import (
    CallbackResult,
    HistoryView,
    JobListView,
    JobView,
    Problem,
)
from driftgate.status.handlers import SubmitJob

_REF = "#/components/schemas/{model}"
_MODELS: tuple[type[BaseModel], ...] = (
    SubmitJob,
    JobView,
    JobListView,
    HistoryView,
    CallbackResult,
    JobCallbackV1,
    Problem,
)


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": _REF.format(model=model.__name__)}


def _json(model: type[BaseModel], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(model)}}}


def _problems(*codes: int) -> dict[str, Any]:
    content = {"application/problem+json": {"schema": _ref(Problem)}}
    return {str(code): {"description": "problem+json", "content": content} for code in codes}


def _param(name: str, where: str, description: str, *, required: bool = False) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": required,
        "description": description,
        "schema": {"type": "string"},
    }


_JOB_ID = _param("job_id", "path", "The job id", required=True)
_WEBHOOK_HEADERS = [
    _param("webhook-id", "header", "Unique message id (replays are no-ops)", required=True),
    _param("webhook-timestamp", "header", "Unix seconds, within ±5 minutes", required=True),
    _param("webhook-signature", "header", "v1,<base64 HMAC-SHA256>", required=True),
]


def build_openapi(server_url: str | None = None) -> dict[str, Any]:
    """OpenAPI 3.1 for the job API; schemas come from the same models the handlers use."""
    _, defs = models_json_schema([(m, "serialization") for m in _MODELS], ref_template=_REF)
    operator: list[dict[str, list[str]]] = [{"operatorKey": []}]
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "driftgate status API",
            "version": "1.0.0",
            "description": "Job control: submit jobs, follow their status, receive signed "
            "worker callbacks. Failures are visible states, never hidden.",
        },
        "paths": {
            "/v1/jobs": {
                "post": {
                    "summary": "Submit a job",
                    "security": operator,
                    "parameters": [
                        _param("Idempotency-Key", "header", "Same key, same job", required=True)
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref(SubmitJob)}},
                    },
                    "responses": {
                        "202": _json(JobView, "The job, SUBMITTED (or the earlier one)"),
                        **_problems(400, 401, 409, 413, 415, 503),
                    },
                },
                "get": {
                    "summary": "List jobs, newest first",
                    "security": operator,
                    "parameters": [
                        _param("status", "query", "SUBMITTED, RUNNING, SUCCEEDED or FAILED"),
                        _param("type", "query", "Job type"),
                        _param("limit", "query", "1-100, default 20"),
                        _param("cursor", "query", "next_cursor of the previous page"),
                    ],
                    "responses": {
                        "200": _json(JobListView, "One page of jobs"),
                        **_problems(400, 401, 503),
                    },
                },
            },
            "/v1/jobs/{job_id}": {
                "get": {
                    "summary": "One job",
                    "security": operator,
                    "parameters": [_JOB_ID],
                    "responses": {
                        "200": _json(JobView, "The job"),
                        **_problems(401, 404, 503),
                    },
                }
            },
            "/v1/jobs/{job_id}/history": {
                "get": {
                    "summary": "The job's audit trail, one entry per transition",
                    "security": operator,
                    "parameters": [_JOB_ID],
                    "responses": {
                        "200": _json(HistoryView, "Audit entries, oldest first"),
                        **_problems(401, 404, 503),
                    },
                }
            },
            "/internal/jobs/{job_id}/status": {
                "post": {
                    "summary": "Signed worker callback (Standard Webhooks)",
                    "parameters": [_JOB_ID, *_WEBHOOK_HEADERS],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref(JobCallbackV1)}},
                    },
                    "responses": {
                        "200": _json(CallbackResult, "Applied, heartbeat, or replayed no-op"),
                        **_problems(400, 401, 404, 409, 413, 503),
                    },
                }
            },
        },
        "components": {
            "schemas": defs.get("$defs", {}),
            "securitySchemes": {
                "operatorKey": {"type": "apiKey", "in": "header", "name": "X-Api-Key"}
            },
        },
    }
    if server_url:
        doc["servers"] = [{"url": server_url}]
    return doc


SWAGGER_UI = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>driftgate status API</title>
  <link rel="stylesheet" href="https://unpkg.com/swagger-ui-dist@5/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="https://unpkg.com/swagger-ui-dist@5/swagger-ui-bundle.js" crossorigin></script>
  <script>
    window.onload = () => {
      window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui"});
    };
  </script>
</body>
</html>
"""
