"""The ingest ratio's ceiling: one flat aiohttp handler doing only the work issue 4 requires.

No layers, middleware, spans, dataclasses or streaming: it authenticates the key by hash
(constant-time compare), reads the body, hashes it with SHA-256, mints a ULID, builds the raw
key and the object metadata, builds and validates the ``payload.landed.v1`` envelope with its
trace context, hands it to a discarding "publisher" and answers the 202 receipt with the
correlation id. Whatever the real service adds on top is design; this is the floor any design
pays, so ``floor/bare`` bounds the ratio the benchmark can ever print on this machine.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime
from typing import Any, Final

import orjson
from aiohttp import web

from driftgate.ingest.domain.api_keys import hash_key
from driftgate.ingest.domain.ingest_id import new_ingest_id
from driftgate.ingest.domain.raw_zone import LandedObject, object_metadata, raw_object_key
from driftgate.ingest.entrypoints.openapi import PAYLOADS_PATH
from driftgate.ingest.handlers import landed_event
from driftgate.runtime.telemetry import inject_into_event

BUCKET: Final = "driftgate-bench-raw"
MIB: Final = 1024 * 1024


def floor_app(secret: str, source_id: str) -> web.Application:
    """The flat handler for one key of ``source_id``."""
    keys = {hash_key(secret): source_id}
    sink: list[Any] = []

    async def post_payload(request: web.Request) -> web.Response:
        cid = request.headers.get("X-Correlation-ID") or secrets.token_hex(16)
        source = request.match_info["source_id"]
        presented = hash_key(request.headers.get("X-Api-Key", ""))
        owner = next((s for h, s in keys.items() if hmac.compare_digest(h, presented)), None)
        if owner != source:
            raise web.HTTPUnauthorized
        body = await request.read()
        digest = hashlib.sha256(body).hexdigest()
        now = datetime.now(UTC)
        ingest_id = new_ingest_id(now)
        key = raw_object_key(source, ingest_id, now, "json")
        landed = LandedObject(
            ingest_id, source, BUCKET, key, "application/json", len(body), digest, now
        )
        sink.append((object_metadata(landed), inject_into_event(landed_event(landed, cid))))
        sink.clear()
        receipt = {
            "ingest_id": ingest_id,
            "location": f"s3://{BUCKET}/{key}",
            "sha256": digest,
            "size": len(body),
        }
        return web.Response(
            status=202,
            body=orjson.dumps(receipt),
            content_type="application/json",
            headers={"X-Correlation-ID": cid},
        )

    app = web.Application(client_max_size=2 * MIB)
    app.router.add_post(PAYLOADS_PATH, post_payload)
    return app
