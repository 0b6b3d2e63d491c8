"""Jobs, audit entries and outbox items to and from DynamoDB's attribute-value form.

``params``, ``quality`` and ``metrics`` are stored as JSON strings: DynamoDB would turn floats
into Decimals and reject empty strings in nested maps, and nothing ever queries inside them.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import orjson

from driftgate.contracts.events import JobStatus, Quality
from driftgate.status.domain.job import AuditEntry, Job
from driftgate.status.ports import OutboxItem

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb.type_defs import AttributeValueTypeDef

Item = dict[str, "AttributeValueTypeDef"]
LIST_PK = "job"


def _s(value: str) -> AttributeValueTypeDef:
    return {"S": value}


def _opt_time(item: dict[str, Any], name: str) -> datetime | None:
    value = item.get(name, {}).get("S")
    return datetime.fromisoformat(value) if value else None


def job_to_item(job: Job) -> Item:
    item: Item = {
        "job_id": _s(job.job_id),
        "job_type": _s(job.job_type),
        "params": _s(orjson.dumps(job.params).decode()),
        "status": _s(job.status.value),
        "status_message": _s(job.status_message),
        "created_at": _s(job.created_at.isoformat()),
        "updated_at": _s(job.updated_at.isoformat()),
        "created_sk": _s(job.created_sk),
        "list_pk": _s(LIST_PK),
        "version": {"N": str(job.version)},
        "submitted_by": _s(job.submitted_by),
        "request_hash": _s(job.request_hash),
        "start_deadline_at": _s(job.start_deadline_at.isoformat()),
        "deadline_at": _s(job.deadline_at.isoformat()),
        "heartbeat_seconds": {"N": str(job.heartbeat_seconds)},
        "metrics": _s(orjson.dumps(job.metrics).decode()),
    }
    if job.quality is not None:
        item["quality"] = _s(job.quality.model_dump_json())
    return item


def item_to_job(item: dict[str, Any]) -> Job:
    quality = item.get("quality", {}).get("S")
    run_id = item.get("run_id", {}).get("S")
    return Job(
        job_id=item["job_id"]["S"],
        job_type=item["job_type"]["S"],
        params=orjson.loads(item["params"]["S"]),
        status=JobStatus(item["status"]["S"]),
        status_message=item["status_message"]["S"],
        created_at=datetime.fromisoformat(item["created_at"]["S"]),
        updated_at=datetime.fromisoformat(item["updated_at"]["S"]),
        version=int(item["version"]["N"]),
        submitted_by=item["submitted_by"]["S"],
        request_hash=item["request_hash"]["S"],
        start_deadline_at=datetime.fromisoformat(item["start_deadline_at"]["S"]),
        deadline_at=datetime.fromisoformat(item["deadline_at"]["S"]),
        heartbeat_seconds=int(item["heartbeat_seconds"]["N"]),
        last_heartbeat_at=_opt_time(item, "last_heartbeat_at"),
        started_at=_opt_time(item, "started_at"),
        finished_at=_opt_time(item, "finished_at"),
        run_id=run_id,
        stalled_at=_opt_time(item, "stalled_at"),
        quality=Quality.model_validate_json(quality) if quality else None,
        metrics=orjson.loads(item.get("metrics", {}).get("S", "{}")),
    )


def audit_to_item(entry: AuditEntry) -> Item:
    return {
        "job_id": _s(entry.job_id),
        "version": {"N": str(entry.version)},
        "from_status": _s(entry.from_status.value if entry.from_status else ""),
        "to_status": _s(entry.to_status.value),
        "at": _s(entry.at.isoformat()),
        "actor": _s(entry.actor),
        "message": _s(entry.message),
        "event_id": _s(entry.event_id),
    }


def item_to_audit(item: dict[str, Any]) -> AuditEntry:
    from_status = item["from_status"]["S"]
    return AuditEntry(
        job_id=item["job_id"]["S"],
        version=int(item["version"]["N"]),
        from_status=JobStatus(from_status) if from_status else None,
        to_status=JobStatus(item["to_status"]["S"]),
        at=datetime.fromisoformat(item["at"]["S"]),
        actor=item["actor"]["S"],
        message=item["message"]["S"],
        event_id=item["event_id"]["S"],
    )


def outbox_to_item(entry: OutboxItem) -> Item:
    return {
        "event_id": _s(entry.event_id),
        "topic": _s(entry.topic),
        "body": _s(entry.body),
        "created_at": _s(entry.created_at.isoformat()),
    }


def item_to_outbox(item: dict[str, Any]) -> OutboxItem:
    return OutboxItem(
        event_id=item["event_id"]["S"],
        topic=item["topic"]["S"],
        body=item["body"]["S"],
        created_at=datetime.fromisoformat(item["created_at"]["S"]),
    )
