"""`driftgate jobs submit|list|show|history|operator-key`: job control from the terminal.

The commands talk to the status API (``--url``, default ``$DRIFTGATE_STATUS_URL`` or
http://127.0.0.1:8081) with an operator key (``--api-key``, ``$DRIFTGATE_OPERATOR_KEY``, or
the development key ``driftgate up`` wrote to ``.driftgate/dev-operator-key``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout

from driftgate.runtime.aws import AwsClientFactory, resolve_account_id
from driftgate.runtime.naming import Naming
from driftgate.runtime.settings import AwsSettings, RuntimeSettings
from driftgate.runtime.topology import OPERATOR_KEYS_TABLE
from driftgate.status.adapters.dynamo_operator_keys import DynamoOperatorKeyStore
from driftgate.status.domain.operator_keys import generate_operator_key

DEFAULT_URL = "http://127.0.0.1:8081"
DEV_KEY_FILE = Path(".driftgate/dev-operator-key")


class CommandError(Exception):
    """Reported on stderr with exit code 1."""


def _api_key(args: argparse.Namespace) -> str:
    key = args.api_key or os.environ.get("DRIFTGATE_OPERATOR_KEY")
    if not key and DEV_KEY_FILE.exists():
        key = DEV_KEY_FILE.read_text().strip()
    if not key:
        raise CommandError("no operator key: pass --api-key or set DRIFTGATE_OPERATOR_KEY")
    return key


async def _call(args: argparse.Namespace, method: str, path: str, **kwargs: Any) -> Any:
    url = (args.url or os.environ.get("DRIFTGATE_STATUS_URL") or DEFAULT_URL).rstrip("/")
    headers = {"X-Api-Key": _api_key(args), **kwargs.pop("headers", {})}
    try:
        async with (
            ClientSession(timeout=ClientTimeout(total=30)) as http,
            http.request(method, url + path, headers=headers, **kwargs) as resp,
        ):
            body = await resp.json(content_type=None)
            if resp.status >= 400:
                raise CommandError(f"{resp.status} {body.get('title')}: {body.get('detail')}")
            return body
    except ClientError as exc:
        raise CommandError(f"cannot reach the status API at {url}: {exc}") from exc


def _row(job: dict[str, Any]) -> str:
    return (
        f"{job['job_id']:<31} {job['type']:<14} {job['status']:<10} "
        f"{job['updated_at'][:19]:<20} {job['status_message'][:40]}"
    )


def _print_job(job: dict[str, Any]) -> None:
    for name in ("job_id", "type", "status", "status_message", "created_at", "updated_at"):
        print(f"{name:<16} {job.get(name)}")
    for name in ("started_at", "finished_at", "last_heartbeat_at", "run_id", "stalled_at"):
        if job.get(name):
            print(f"{name:<16} {job[name]}")
    print(f"{'params':<16} {json.dumps(job.get('params', {}))}")
    if job.get("quality"):
        print(f"{'quality':<16} {job['quality']['level']}")


async def _run(args: argparse.Namespace) -> int:
    cmd = args.jobs_command
    if cmd == "operator-key":
        return await _create_operator_key(args)
    if cmd == "submit":
        params = json.loads(args.params) if args.params else {}
        body = {"type": args.type, "params": params}
        idem = args.idempotency_key or str(uuid.uuid4())
        out = await _call(args, "POST", "/v1/jobs", json=body, headers={"Idempotency-Key": idem})
    elif cmd == "list":
        query = {"limit": str(args.limit)}
        for name, value in (("status", args.status), ("type", args.type), ("cursor", args.cursor)):
            if value:
                query[name] = value
        out = await _call(args, "GET", "/v1/jobs", params=query)
    elif cmd == "show":
        out = await _call(args, "GET", f"/v1/jobs/{args.job_id}")
    else:
        out = await _call(args, "GET", f"/v1/jobs/{args.job_id}/history")
    if args.json:
        print(json.dumps(out))
    elif cmd == "list":
        print(f"{'JOB ID':<31} {'TYPE':<14} {'STATUS':<10} {'UPDATED':<20} MESSAGE")
        for job in out["jobs"]:
            print(_row(job))
        if out.get("next_cursor"):
            print(f"more: --cursor {out['next_cursor']}")
    elif cmd == "history":
        for e in out["entries"]:
            print(
                f"{e['version']:>3} {e['at'][:19]} {e['from_status'] or '-':<10} -> "
                f"{e['to_status']:<10} {e['actor']:<14} {e['message']}"
            )
    else:
        _print_job(out)
    return 0


async def create_operator_key(aws: AwsSettings, naming: Naming, name: str) -> str:
    """Create an operator key and return its secret (shown once, stored as a hash)."""
    issued = generate_operator_key(name, datetime.now(UTC))
    async with AwsClientFactory(aws).client("dynamodb") as ddb:
        await DynamoOperatorKeyStore(ddb, naming.table(OPERATOR_KEYS_TABLE)).save(issued.record)
    return issued.secret


async def _create_operator_key(args: argparse.Namespace) -> int:
    aws, runtime = AwsSettings(), RuntimeSettings()
    factory = AwsClientFactory(aws)
    naming = Naming(runtime.env, aws.region, await resolve_account_id(factory))
    issued = generate_operator_key(args.name, datetime.now(UTC))
    async with factory.client("dynamodb") as ddb:
        await DynamoOperatorKeyStore(ddb, naming.table(OPERATOR_KEYS_TABLE)).save(issued.record)
    if args.json:
        print(json.dumps({"key_id": issued.record.key_id, "api_key": issued.secret}))
    else:
        print(f"created operator key {issued.record.key_id} ({args.name})")
        print("API key (shown once; store it now, it cannot be recovered):")
        print(issued.secret)
    return 0


def jobs(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(_run(args))
    except CommandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("jobs", help="submit and follow jobs through the status API")
    jsub = p.add_subparsers(dest="jobs_command", required=True)

    def common(q: argparse.ArgumentParser) -> None:
        q.add_argument("--url", help=f"status API base URL (default {DEFAULT_URL})")
        q.add_argument("--api-key", help="operator API key")
        q.add_argument("--json", action="store_true", help="print the API's JSON")
        q.set_defaults(func=jobs)

    s = jsub.add_parser("submit", help="submit a job")
    s.add_argument("type", help="job type, e.g. promote")
    s.add_argument("--params", help="job parameters as a JSON object")
    s.add_argument("--idempotency-key", help="same key, same job (default: a new uuid)")
    common(s)
    ls = jsub.add_parser("list", help="list jobs, newest first")
    ls.add_argument("--status", choices=["SUBMITTED", "RUNNING", "SUCCEEDED", "FAILED"])
    ls.add_argument("--type")
    ls.add_argument("--limit", type=int, default=20)
    ls.add_argument("--cursor")
    common(ls)
    for name, text in (("show", "show one job"), ("history", "a job's audit trail")):
        q = jsub.add_parser(name, help=text)
        q.add_argument("job_id")
        common(q)
    k = jsub.add_parser("operator-key", help="create an operator API key (shown once)")
    k.add_argument("--name", default="operator", help="who or what the key is for")
    k.add_argument("--json", action="store_true")
    k.set_defaults(func=jobs, url=None, api_key=None)
