"""SchemaVersion ⇄ plain dict (the registry item's attributes)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from driftgate.profiler.domain.compatibility import Compatibility
from driftgate.profiler.domain.fields import FieldSpec
from driftgate.profiler.domain.registry import Review, SchemaVersion
from driftgate.profiler.domain.schema_diff import Rename, SchemaDiff, TypeChange
from driftgate.profiler.domain.status import ReviewDecision, VersionStatus


def version_to_dict(v: SchemaVersion) -> dict[str, Any]:
    return {
        "source_id": v.source_id,
        "version_sk": v.sort_key,
        "version": v.version,
        "fields": {
            path: {
                "type": s.type,
                "presence": "required" if s.required else "optional",
                "presence_ratio": s.presence_ratio,
                "nullable": s.nullable,
                "null_ratio": s.null_ratio,
                "samples": list(s.samples),
            }
            for path, s in v.fields.items()
        },
        "field_diff": None if v.diff is None else diff_to_dict(v.diff),
        "previous_version": v.previous_version,
        "status": v.status.value,
        "compatibility": v.compatibility.value,
        "reasons": list(v.reasons),
        "fingerprint": v.fingerprint,
        "created_at": v.created_at.isoformat(),
        "created_by_ingest": v.created_by_ingest,
        "promoted_at": v.promoted_at.isoformat() if v.promoted_at else None,
        "payload_count": v.payload_count,
        "reviews": [
            {
                "decision": r.decision.value,
                "reviewer": r.reviewer,
                "note": r.note,
                "at": r.at.isoformat(),
            }
            for r in v.reviews
        ],
    }


def diff_to_dict(d: SchemaDiff) -> dict[str, Any]:
    return {
        "added": list(d.added),
        "removed": list(d.removed),
        "type_changed": [
            {"field": c.field, "previous_type": c.previous_type, "new_type": c.new_type}
            for c in d.type_changes
        ],
        "renamed": {r.old: {"new": r.new, "confidence": r.confidence} for r in d.renamed},
        "became_optional": list(d.became_optional),
        "became_required": list(d.became_required),
    }


def diff_from_dict(obj: dict[str, Any]) -> SchemaDiff:
    return SchemaDiff(
        added=tuple(obj.get("added", [])),
        removed=tuple(obj.get("removed", [])),
        type_changes=tuple(TypeChange(**c) for c in obj.get("type_changed", [])),
        renamed=tuple(
            Rename(old, r["new"], float(r["confidence"]))
            for old, r in obj.get("renamed", {}).items()
        ),
        became_optional=tuple(obj.get("became_optional", [])),
        became_required=tuple(obj.get("became_required", [])),
    )


def version_from_dict(obj: dict[str, Any]) -> SchemaVersion:
    raw_diff = obj.get("field_diff")
    promoted = obj.get("promoted_at")
    return SchemaVersion(
        source_id=obj["source_id"],
        version=int(obj["version"]),
        fields={
            path: FieldSpec(
                type=f["type"],
                required=f["presence"] == "required",
                presence_ratio=float(f.get("presence_ratio", 1.0)),
                null_ratio=float(f.get("null_ratio", 0.0)),
                samples=tuple(f.get("samples", [])),
            )
            for path, f in obj["fields"].items()
        },
        fingerprint=obj["fingerprint"],
        created_at=datetime.fromisoformat(obj["created_at"]),
        created_by_ingest=obj["created_by_ingest"],
        status=VersionStatus(obj["status"]),
        compatibility=Compatibility(obj["compatibility"]),
        diff=diff_from_dict(raw_diff) if raw_diff is not None else None,
        previous_version=obj.get("previous_version"),
        reasons=tuple(obj.get("reasons", [])),
        promoted_at=datetime.fromisoformat(promoted) if promoted else None,
        payload_count=int(obj.get("payload_count", 0)),
        reviews=tuple(
            Review(
                ReviewDecision(r["decision"]),
                r["reviewer"],
                r["note"],
                datetime.fromisoformat(r["at"]),
            )
            for r in obj.get("reviews", [])
        ),
    )
