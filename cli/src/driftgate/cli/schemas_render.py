"""Plain-data and table renderings of registry objects for the review commands."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from driftgate.profiler.adapters.payload_index import record_to_dict
from driftgate.profiler.adapters.version_codec import diff_to_dict, version_to_dict
from driftgate.profiler.domain.payload_record import PayloadRecord
from driftgate.profiler.domain.registry import SchemaVersion
from driftgate.profiler.domain.schema_diff import SchemaDiff


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Left-aligned columns sized to their widest cell."""
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)


def version_json(v: SchemaVersion) -> dict[str, Any]:
    out = version_to_dict(v)
    out.pop("version_sk")
    return out


def version_summary_rows(history: Sequence[SchemaVersion]) -> list[list[object]]:
    return [
        [
            v.version,
            v.status.value,
            v.compatibility.value,
            v.payload_count,
            len(v.fields),
            f"{v.created_at:%Y-%m-%dT%H:%M:%SZ}",
            v.fingerprint[:12],
        ]
        for v in history
    ]


VERSION_HEADERS = ("VERSION", "STATUS", "COMPAT", "PAYLOADS", "FIELDS", "CREATED", "FINGERPRINT")


def version_detail(v: SchemaVersion) -> str:
    lines = [
        f"source {v.source_id}  version {v.version}  {v.status.value}  "
        f"compatibility {v.compatibility.value}",
        f"created {v.created_at.isoformat()} by payload {v.created_by_ingest}; "
        f"promoted {v.promoted_at.isoformat() if v.promoted_at else '-'}; "
        f"payloads {v.payload_count}",
        "",
        table(
            ("FIELD", "TYPE", "PRESENCE", "NULLS"),
            [
                [
                    path,
                    s.type,
                    ("required" if s.required else f"optional {s.presence_ratio:.0%}"),
                    f"{s.null_ratio:.0%}",
                ]
                for path, s in v.fields.items()
            ],
        ),
    ]
    if v.reasons:
        lines += ["", "reasons:", *[f"  - {r}" for r in v.reasons]]
    if v.reviews:
        lines += [
            "",
            "reviews:",
            *[
                f"  {r.at.isoformat()} {r.decision.value} by {r.reviewer}: {r.note}"
                for r in v.reviews
            ],
        ]
    return "\n".join(lines)


def diff_json(diff: SchemaDiff) -> dict[str, Any]:
    return diff_to_dict(diff)


def diff_text(diff: SchemaDiff, reasons: Sequence[str], relation: str) -> str:
    rows: list[list[object]] = [["added", p, ""] for p in diff.added]
    rows += [["removed", p, ""] for p in diff.removed]
    rows += [["type", c.field, f"{c.previous_type} -> {c.new_type}"] for c in diff.type_changes]
    rows += [["optional", p, "was required"] for p in diff.became_optional]
    rows += [["required", p, "was optional"] for p in diff.became_required]
    rows += [
        ["rename?", f"{r.old} -> {r.new}", f"confidence {r.confidence:.2f}"] for r in diff.renamed
    ]
    out = [table(("CHANGE", "FIELD", "DETAIL"), rows) if rows else "no differences"]
    out.append(f"\ncompatibility: {relation}")
    if reasons:
        out += ["breaks under the source's policy:", *[f"  - {r}" for r in reasons]]
    return "\n".join(out)


def record_json(r: PayloadRecord) -> dict[str, Any]:
    out = record_to_dict(r)
    out.pop("received_sk")
    return out


def dead_letter_rows(records: Sequence[PayloadRecord]) -> list[list[object]]:
    return [
        [
            r.ingest_id,
            r.source_id,
            f"{r.received_at:%Y-%m-%dT%H:%M:%SZ}",
            r.error_kind or "-",
            r.line or r.row or "-",
            (r.reason or "")[:60],
            f"s3://{r.bucket}/{r.dead_letter_prefix}",
        ]
        for r in records
    ]


DEAD_LETTER_HEADERS = ("INGEST ID", "SOURCE", "RECEIVED", "KIND", "LINE/ROW", "REASON", "LOCATION")
