"""A minimal worker: what a run launched by the status service does to report back.

It reads the environment every launcher sets (job id, callback URL, signing secret id), fetches
the secret from Secrets Manager, and sends signed RUNNING, heartbeat and final callbacks.
``params.outcome`` = "FAILED" makes it fail, to exercise that path. ``python -m
driftgate.status.sample_worker`` is the local launcher's default command in ``driftgate up``.
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime
from typing import Any

import orjson
from aiohttp import ClientSession, ClientTimeout

from driftgate.contracts.webhook_signing import sign_headers
from driftgate.runtime.aws import AwsClientFactory
from driftgate.runtime.settings import AwsSettings


async def report(
    http: ClientSession, url: str, secret: str, status: str, message: str, **extra: Any
) -> int:
    body = orjson.dumps(
        {
            "status": status,
            "message": message,
            "occurred_at": datetime.now(UTC).isoformat(),
            **extra,
        }
    )
    headers = {**sign_headers(secret, body).as_dict(), "Content-Type": "application/json"}
    async with http.post(url, data=body, headers=headers) as resp:
        answer = await resp.read()
        if resp.status != 200:
            print(f"callback {status} refused: {resp.status} {answer.decode()}", file=sys.stderr)
        return resp.status


async def run() -> int:
    url = os.environ["DRIFTGATE_CALLBACK_URL"]
    params = orjson.loads(os.environ.get("DRIFTGATE_JOB_PARAMS", "{}"))
    async with AwsClientFactory(AwsSettings()).client("secretsmanager") as sm:
        secret = (await sm.get_secret_value(SecretId=os.environ["DRIFTGATE_CALLBACK_SECRET_ID"]))[
            "SecretString"
        ]
    outcome = str(params.get("outcome", "SUCCEEDED"))
    async with ClientSession(timeout=ClientTimeout(total=10)) as http:
        statuses = [
            await report(http, url, secret, "RUNNING", "started"),
            await report(http, url, secret, "RUNNING", "heartbeat", metrics={"progress": 0.5}),
        ]
        if outcome == "FAILED":
            statuses.append(await report(http, url, secret, "FAILED", "sample failure"))
        else:
            statuses.append(
                await report(
                    http,
                    url,
                    secret,
                    "SUCCEEDED",
                    "done",
                    metrics={"rows": 1.0},
                    quality={"level": "GREEN", "checks": []},
                )
            )
    return 0 if all(s == 200 for s in statuses) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(run()))
