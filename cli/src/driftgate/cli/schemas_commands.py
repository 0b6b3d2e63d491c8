"""`driftgate schemas|dead-letters|payloads`: review the schema registry and replay payloads.

Every command prints a readable table by default and JSON with ``--json``. Approvals and
rejections are audited on the version (who, when, note) and publish
``schema.version.reviewed.v1``.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from driftgate.cli import schemas_render as render
from driftgate.contracts.events import PayloadLandedV1
from driftgate.profiler.adapters.emf_metrics import EmfMetrics
from driftgate.profiler.domain.compatibility import CompatibilityPolicy, relation, violations
from driftgate.profiler.domain.registry import active_of
from driftgate.profiler.domain.renames import find_renames
from driftgate.profiler.domain.schema_diff import diff_fields
from driftgate.profiler.domain.status import ReviewDecision
from driftgate.profiler.handlers import ProfilerDeps, process_payload
from driftgate.profiler.review import find_version, review_version
from driftgate.profiler.settings import ProfilerSettings
from driftgate.profiler.wiring import aws_deps
from driftgate.runtime.aws import AwsClientFactory, resolve_account_id
from driftgate.runtime.errors import DriftgateError
from driftgate.runtime.naming import Naming
from driftgate.runtime.settings import AwsSettings, RuntimeSettings


@asynccontextmanager
async def profiler_deps() -> AsyncIterator[ProfilerDeps]:
    """The profiler's real adapters for this environment (DRIFTGATE_ENV, AWS_*)."""
    aws, runtime = AwsSettings(), RuntimeSettings()
    factory = AwsClientFactory(aws)
    naming = Naming(runtime.env, aws.region, await resolve_account_id(factory))
    async with AsyncExitStack() as stack:
        deps = aws_deps(
            s3=await stack.enter_async_context(factory.client("s3")),
            ddb=await stack.enter_async_context(factory.client("dynamodb")),
            sns=await stack.enter_async_context(factory.client("sns")),
            naming=naming,
            max_record_bytes=ProfilerSettings().max_record_bytes,
        )
        # stdout carries the command's output (maybe JSON); EMF metric lines go to stderr.
        deps.metrics = EmfMetrics(write=lambda line: print(line, file=sys.stderr))
        yield deps


def _emit(args: argparse.Namespace, data: Any, text: str) -> None:
    print(json.dumps(data, default=str, indent=2) if args.json else text)


async def _list(args: argparse.Namespace, deps: ProfilerDeps) -> int:
    rows, data = [], []
    for source in await deps.registry.sources():
        history = await deps.registry.history(source)
        if not history:
            continue
        active = active_of(history)
        pending = [v.version for v in history if v.status.value == "BREAKING"]
        policy = await deps.policies.policy(source)
        data.append(
            {
                "source_id": source,
                "versions": len(history),
                "active_version": active.version if active else None,
                "latest_version": history[-1].version,
                "breaking_versions": pending,
                "policy": policy.value,
            }
        )
        rows.append(
            [
                source,
                len(history),
                active.version if active else "-",
                history[-1].version,
                ",".join(map(str, pending)) or "-",
                policy.value,
            ]
        )
    headers = ("SOURCE", "VERSIONS", "ACTIVE", "LATEST", "AWAITING REVIEW", "POLICY")
    _emit(args, data, render.table(headers, rows))
    return 0


async def _show(args: argparse.Namespace, deps: ProfilerDeps) -> int:
    if args.version is not None:
        v = await find_version(deps.registry, args.source, args.version)
        _emit(args, render.version_json(v), render.version_detail(v))
        return 0
    history = await deps.registry.history(args.source)
    if not history:
        print(f"source {args.source} has no schema versions", file=sys.stderr)
        return 1
    _emit(
        args,
        [render.version_json(v) for v in history],
        render.table(render.VERSION_HEADERS, render.version_summary_rows(history)),
    )
    return 0


async def _diff(args: argparse.Namespace, deps: ProfilerDeps) -> int:
    old = await find_version(deps.registry, args.source, args.v1)
    new = await find_version(deps.registry, args.source, args.v2)
    diff = diff_fields(old.fields, new.fields)
    diff = diff.with_renames(find_renames(old.fields, new.fields, diff))
    policy = await deps.policies.policy(args.source)
    broken = violations(policy.base, old.fields, new.fields, f"v{old.version}")
    rel = relation(old.fields, new.fields).value
    data = {
        "source_id": args.source,
        "from": old.version,
        "to": new.version,
        "diff": render.diff_json(diff),
        "compatibility": rel,
        "policy": policy.value,
        "violations": broken,
    }
    _emit(args, data, render.diff_text(diff, broken, rel))
    return 0


async def _review(args: argparse.Namespace, deps: ProfilerDeps) -> int:
    decision = (
        ReviewDecision.APPROVED if args.schemas_command == "approve" else ReviewDecision.REJECTED
    )
    outcome = await review_version(
        deps.registry,
        deps.publisher,
        source_id=args.source,
        number=args.version,
        decision=decision,
        reviewer=args.reviewer,
        note=args.note,
        now=datetime.now(UTC),
    )
    v = outcome.version
    text = f"{args.source} v{v.version} {decision.value} by {args.reviewer}: now {v.status.value}"
    if outcome.deprecated is not None:
        text += f"; v{outcome.deprecated.version} is DEPRECATED"
    _emit(args, outcome.event.model_dump(mode="json"), text)
    return 0


async def _policy(args: argparse.Namespace, deps: ProfilerDeps) -> int:
    if args.set is not None:
        await deps.policies.set_policy(args.source, CompatibilityPolicy(args.set))
    policy = await deps.policies.policy(args.source)
    _emit(args, {"source_id": args.source, "policy": policy.value}, f"{args.source}: {policy}")
    return 0


async def _dead_letters(args: argparse.Namespace, deps: ProfilerDeps) -> int:
    records = await deps.index.rejected(args.source)
    _emit(
        args,
        [render.record_json(r) for r in records],
        render.table(render.DEAD_LETTER_HEADERS, render.dead_letter_rows(records)),
    )
    return 0


async def _reprofile(args: argparse.Namespace, deps: ProfilerDeps) -> int:
    known = await deps.index.get(args.ingest_id)
    if known is None:
        print(f"no payload with ingest id {args.ingest_id!r} in the index", file=sys.stderr)
        return 1
    landed = PayloadLandedV1(
        ingest_id=known.ingest_id,
        source_id=known.source_id,
        bucket=known.bucket,
        key=known.key,
        content_type=known.content_type,
        size_bytes=known.size_bytes,
        sha256=known.sha256,
        received_at=known.received_at,
    )
    record = await process_payload(landed, deps, reprofile=True)
    text = f"{record.ingest_id}: {record.status.value}"
    text += (
        f" as schema v{record.schema_version} ({record.record_count} records)"
        if record.schema_version is not None
        else f" again: {record.reason}"
    )
    _emit(args, render.record_json(record), text)
    return 0 if record.status.value == "PROFILED" else 3


_HANDLERS = {
    "list": _list,
    "show": _show,
    "diff": _diff,
    "approve": _review,
    "reject": _review,
    "policy": _policy,
    "dead-letters": _dead_letters,
    "reprofile": _reprofile,
}


async def dispatch(args: argparse.Namespace) -> int:
    """Run one parsed command against the environment's registry."""
    async with profiler_deps() as deps:
        return await _HANDLERS[args.action](args, deps)


def command(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(dispatch(args))
    except DriftgateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p_schemas = sub.add_parser("schemas", help="review inferred schema versions")
    schemas = p_schemas.add_subparsers(dest="schemas_command", required=True)
    parsers = [schemas.add_parser("list", help="sources, their ACTIVE and pending versions")]
    show = schemas.add_parser("show", help="a source's versions, or one version's fields")
    show.add_argument("source")
    show.add_argument("version", type=int, nargs="?")
    diff = schemas.add_parser("diff", help="what changed between two versions")
    diff.add_argument("source")
    diff.add_argument("v1", type=int)
    diff.add_argument("v2", type=int)
    parsers += [show, diff]
    for name, what in (
        ("approve", "make ACTIVE, deprecating the ACTIVE one"),
        ("reject", "keep BREAKING"),
    ):
        review = schemas.add_parser(name, help=f"{what}; audited")
        review.add_argument("source")
        review.add_argument("version", type=int)
        review.add_argument("--note", required=True, help="why (kept in the audit trail)")
        review.add_argument("--reviewer", default=getpass.getuser())
        parsers.append(review)
    policy = schemas.add_parser("policy", help="show or set a source's compatibility policy")
    policy.add_argument("source")
    policy.add_argument("--set", choices=[p.value for p in CompatibilityPolicy])
    parsers.append(policy)
    for p in parsers:
        p.set_defaults(action=p.prog.rsplit(" ", 1)[-1])

    p_dead = sub.add_parser("dead-letters", help="payloads rejected as unreadable")
    dead = p_dead.add_subparsers(dest="dead_command", required=True)
    dead_list = dead.add_parser("list", help="rejected payloads, oldest first")
    dead_list.add_argument("--source", default=None)
    dead_list.set_defaults(action="dead-letters")
    parsers.append(dead_list)

    p_payloads = sub.add_parser("payloads", help="ingested payloads")
    payloads = p_payloads.add_subparsers(dest="payloads_command", required=True)
    reprofile = payloads.add_parser("reprofile", help="profile a payload again (replay)")
    reprofile.add_argument("ingest_id")
    reprofile.set_defaults(action="reprofile")
    parsers.append(reprofile)

    for p in parsers:
        p.add_argument("--json", action="store_true", help="machine-readable output")
    for p in (p_schemas, p_dead, p_payloads):
        p.set_defaults(func=command)
