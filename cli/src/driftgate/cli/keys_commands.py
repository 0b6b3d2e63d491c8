"""`driftgate keys create|list|revoke`: manage per-source ingest API keys.

Secrets are printed once, by ``create``, and stored only as SHA-256 hashes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, datetime

from driftgate.ingest.adapters.dynamo_api_keys import DynamoApiKeyStore
from driftgate.ingest.domain.api_keys import ApiKeyRecord, generate_key
from driftgate.ingest.domain.source_id import validate_source_id
from driftgate.ingest.errors import IngestError
from driftgate.runtime.aws import AwsClientFactory, resolve_account_id
from driftgate.runtime.naming import Naming
from driftgate.runtime.settings import AwsSettings, RuntimeSettings
from driftgate.runtime.topology import API_KEYS_TABLE


def _public(record: ApiKeyRecord) -> dict[str, object]:
    """What may be shown about a key: never the secret, not even its hash."""
    return {
        "key_id": record.key_id,
        "source_id": record.source_id,
        "created_at": record.created_at.isoformat(),
        "revoked": record.revoked,
    }


async def _store_call(args: argparse.Namespace) -> int:
    aws, runtime = AwsSettings(), RuntimeSettings()
    factory = AwsClientFactory(aws)
    naming = Naming(runtime.env, aws.region, await resolve_account_id(factory))
    async with factory.client("dynamodb") as ddb:
        store = DynamoApiKeyStore(ddb, naming.table(API_KEYS_TABLE))
        if args.keys_command == "create":
            issued = generate_key(validate_source_id(args.source), datetime.now(UTC))
            await store.save(issued.record)
            if args.json:
                print(json.dumps({**_public(issued.record), "api_key": issued.secret}))
            else:
                print(f"created {issued.record.key_id} for source {issued.record.source_id}")
                print("API key (shown once; store it now, it cannot be recovered):")
                print(issued.secret)
            return 0
        if args.keys_command == "list":
            records = await store.list_keys(args.source)
            if args.json:
                print(json.dumps([_public(r) for r in records]))
            else:
                print(f"{'KEY ID':<22} {'SOURCE':<24} {'CREATED':<26} STATUS")
                for r in records:
                    status = "revoked" if r.revoked else "active"
                    created = f"{r.created_at:%Y-%m-%dT%H:%M:%SZ}"
                    print(f"{r.key_id:<22} {r.source_id:<24} {created:<26} {status}")
            return 0
        revoked = await store.revoke(args.key_id)
        if revoked is None:
            print(f"no API key with id {args.key_id!r}", file=sys.stderr)
            return 1
        print(json.dumps(_public(revoked)) if args.json else f"revoked {revoked.key_id}")
        return 0


def keys_command(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(_store_call(args))
    except IngestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p_keys = sub.add_parser("keys", help="manage ingest API keys (DRIFTGATE_ENV, AWS_*)")
    keys_sub = p_keys.add_subparsers(dest="keys_command", required=True)
    create = keys_sub.add_parser("create", help="create a key for a source; prints it once")
    create.add_argument("--source", required=True)
    listing = keys_sub.add_parser("list", help="list keys (never their secrets)")
    listing.add_argument("--source", default=None)
    revoke = keys_sub.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("key_id")
    for p in (create, listing, revoke):
        p.add_argument("--json", action="store_true", help="machine-readable output")
    p_keys.set_defaults(func=keys_command)
