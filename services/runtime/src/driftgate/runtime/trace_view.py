"""Read the local JSONL trace file and print one trace as a span tree (``driftgate trace``)."""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from driftgate.runtime.errors import PermanentError
from driftgate.runtime.settings import RuntimeSettings


class TraceNotFoundError(PermanentError):
    """The trace file has no span for the requested trace id."""


@dataclass(frozen=True)
class TraceSummary:
    trace_id: str
    root_name: str
    root_service: str | None
    span_count: int
    start_ns: int
    duration_ms: float
    has_error: bool


def read_spans(path: Path) -> Iterator[dict[str, Any]]:
    """Every span record in the file; a torn or foreign line is skipped, not fatal."""
    if not path.exists():
        return
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict) and record.get("trace_id") and record.get("span_id"):
                yield record


def _duration_ms(span: dict[str, Any]) -> float:
    start, end = span.get("start_ns"), span.get("end_ns")
    return (end - start) / 1e6 if isinstance(start, int) and isinstance(end, int) else 0.0


def _roots_and_children(
    spans: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """Roots are spans without a parent *in this file*, so orphans are shown, not lost."""
    ids = {s["span_id"] for s in spans}
    children: dict[str, list[dict[str, Any]]] = defaultdict(list)
    roots = []
    for span in sorted(spans, key=lambda s: s.get("start_ns") or 0):
        parent = span.get("parent_span_id")
        if parent and parent in ids and parent != span["span_id"]:
            children[parent].append(span)
        else:
            roots.append(span)
    return roots, children


def _label(span: dict[str, Any], orphan: bool) -> str:
    status = span.get("status") or "UNSET"
    if span.get("status_description"):
        status += f" ({span['status_description']})"
    mark = "  [parent not recorded]" if orphan else ""
    service = span.get("service") or "?"
    return f"{service}  {span.get('name')}  {_duration_ms(span):.1f} ms  {status}{mark}"


def render_trace(path: Path, trace_id: str) -> str:
    """The span tree of ``trace_id`` as indented text: service, name, duration, status."""
    wanted = trace_id.lower()
    spans = [s for s in read_spans(path) if s["trace_id"] == wanted]
    if not spans:
        raise TraceNotFoundError(f"no spans for trace {trace_id} in {path}")
    roots, children = _roots_and_children(spans)
    start = min(s.get("start_ns") or 0 for s in spans)
    end = max(s.get("end_ns") or 0 for s in spans)
    lines = [f"trace {wanted}  {len(spans)} spans  {(end - start) / 1e6:.1f} ms"]
    seen: set[str] = set()

    def walk(span: dict[str, Any], prefix: str, last: bool, orphan: bool) -> None:
        seen.add(span["span_id"])
        lines.append(f"{prefix}{'└─ ' if last else '├─ '}{_label(span, orphan)}")
        kids = [c for c in children.get(span["span_id"], []) if c["span_id"] not in seen]
        for index, child in enumerate(kids):
            walk(child, prefix + ("   " if last else "│  "), index == len(kids) - 1, False)

    for index, root in enumerate(roots):
        walk(root, "", index == len(roots) - 1, bool(root.get("parent_span_id")))
    return "\n".join(lines)


def list_traces(path: Path, limit: int = 20) -> list[TraceSummary]:
    """The most recent traces in the file, newest first."""
    by_trace: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for span in read_spans(path):
        by_trace[span["trace_id"]].append(span)
    summaries = []
    for trace_id, spans in by_trace.items():
        roots, _ = _roots_and_children(spans)
        root = roots[0]
        start = min(s.get("start_ns") or 0 for s in spans)
        end = max(s.get("end_ns") or 0 for s in spans)
        summaries.append(
            TraceSummary(
                trace_id=trace_id,
                root_name=str(root.get("name")),
                root_service=root.get("service"),
                span_count=len(spans),
                start_ns=start,
                duration_ms=(end - start) / 1e6,
                has_error=any(s.get("status") == "ERROR" for s in spans),
            )
        )
    summaries.sort(key=lambda s: s.start_ns, reverse=True)
    return summaries[:limit]


def trace_command(argv: list[str]) -> int:
    """``driftgate trace [<trace-id>] [--file PATH] [--limit N]``; without an id, list traces."""
    parser = argparse.ArgumentParser(
        prog="driftgate trace", description="Print a trace's span tree from the local trace file."
    )
    parser.add_argument("trace_id", nargs="?", help="32 hex digits; omit to list recent traces")
    parser.add_argument("--file", type=Path, default=None, help="trace file (DRIFTGATE_TRACE_FILE)")
    parser.add_argument("--limit", type=int, default=20, help="traces to list without an id")
    args = parser.parse_args(argv)
    path: Path = args.file or RuntimeSettings().trace_file
    if args.trace_id is None:
        for s in list_traces(path, args.limit):
            flag = "  ERROR" if s.has_error else ""
            print(
                f"{s.trace_id}  {s.root_service or '?'}  {s.root_name}  "
                f"{s.span_count} spans  {s.duration_ms:.1f} ms{flag}"
            )
        return 0
    try:
        print(render_trace(path, args.trace_id))
    except TraceNotFoundError as exc:
        print(f"driftgate trace: {exc}", file=sys.stderr)
        return 1
    return 0
