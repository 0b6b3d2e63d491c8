"""Ingest throughput against a bare aiohttp handler, peak RSS streaming 1 GiB, emulator latency.

1. Same process, same loop, same client: the ingest app (in-memory key store, publisher and a
   discarding object store) against a bare handler that reads the body and answers 202.
   Printed as ratios: 1 KB requests/s (target >= 0.8x), 256 KB MB/s (target >= 0.7x).
2. ``python -m driftgate.ingest`` as a subprocess with the real S3 adapter against the embedded
   emulator; one large body (``DRIFTGATE_BENCH_BIG_MIB``, default 1024) is streamed through it
   and the subprocess's peak RSS (VmHWM from /proc) is printed (target < 200 MB).
3. Requests/s and p50/p99 latency of 1 KB payloads through that subprocess and the emulator.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, ClientTimeout, TCPConnector, web

from driftgate.ingest.adapters.dynamo_api_keys import InMemoryApiKeyStore
from driftgate.ingest.bootstrap import bootstrap
from driftgate.ingest.domain.api_keys import generate_key
from driftgate.ingest.entrypoints.http_app import SERVER_OPTIONS
from driftgate.ingest.settings import IngestSettings
from driftgate.runtime.aws import AwsClientFactory
from driftgate.runtime.local.emulator import EmbeddedAws
from driftgate.runtime.local.provision import apply_topology
from driftgate.runtime.naming import Naming
from driftgate.runtime.publisher import FakeEventPublisher
from driftgate.runtime.settings import AwsSettings
from driftgate.runtime.topology import TOPOLOGY

PHASE_SECONDS = 3.0
CONCURRENCY = 16
MIB = 1024 * 1024
BIG_TIMEOUT_SECONDS = 180.0


class _DiscardingStore:
    """Accepts writes and keeps nothing, so the benchmark measures ingest, not a fake's memory."""

    async def put_raw(self, key: str, body: bytes, content_type: str, metadata: Any) -> str:
        return "bench"

    async def start_staged(self, staging_key: str, content_type: str) -> Any:
        raise RuntimeError("bench bodies stay below the multipart threshold")


async def _bare(request: web.Request) -> web.Response:
    await request.read()
    return web.json_response({"ok": True}, status=202)


async def _serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None, auto_decompress=SERVER_OPTIONS["auto_decompress"])
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


async def _load(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, float]:
    """Requests completed by CONCURRENCY clients in PHASE_SECONDS."""
    done = 0
    stop = time.perf_counter() + PHASE_SECONDS
    async with ClientSession(connector=TCPConnector(limit=CONCURRENCY)) as http:

        async def worker() -> None:
            nonlocal done
            while time.perf_counter() < stop:
                async with http.post(url, data=body, headers=headers) as resp:
                    await resp.read()
                    if resp.status != 202:
                        raise RuntimeError(f"unexpected {resp.status}")
                done += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        return done, time.perf_counter() - started


async def _ratios() -> None:
    issued = generate_key("bench", datetime.now(UTC))
    keys = InMemoryApiKeyStore()
    await keys.save(issued.record)
    ingest_app = bootstrap(
        keys=keys,
        raw=_DiscardingStore(),
        publisher=FakeEventPublisher(),
        settings=IngestSettings(rate_limit_per_second=1e9, rate_limit_burst=10**9),
    )
    bare_app = web.Application(client_max_size=2 * MIB)
    bare_app.router.add_post("/v1/sources/{source_id}/payloads", _bare)
    headers = {"X-Api-Key": issued.secret, "Content-Type": "application/json"}
    path = "/v1/sources/bench/payloads"
    for label, size, unit in (("1 KB", 1024, "req/s"), ("256 KB", 256 * 1024, "MB/s")):
        body = b"x" * size
        rates = {}
        for name, app in (("bare", bare_app), ("ingest", ingest_app)):
            runner, base = await _serve(app)
            try:
                count, seconds = await _load(base + path, body, headers)
            finally:
                await runner.cleanup()
            per_s = count / seconds
            rates[name] = per_s if unit == "req/s" else per_s * size / MIB
            print(f"  {label:>6} {name:<6} {rates[name]:10.1f} {unit}  ({count} requests)")
        target = 0.8 if unit == "req/s" else 0.7
        ratio = rates["ingest"] / rates["bare"]
        verdict = "meets" if ratio >= target else "BELOW"
        print(f"  {label:>6} ratio ingest/bare {ratio:.2f}x ({verdict} target {target}x)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _vm_hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


async def _stream(total: int) -> AsyncIterator[bytes]:
    block = (b"0123456789abcdef" * 4096)[: 64 * 1024]
    sent = 0
    while sent < total:
        chunk = block[: min(len(block), total - sent)]
        sent += len(chunk)
        yield chunk


async def _timed(call: Callable[[], Awaitable[None]]) -> float:
    started = time.perf_counter()
    await call()
    return time.perf_counter() - started


async def _latency(http: ClientSession, url: str, headers: dict[str, str]) -> None:
    latencies: list[float] = []
    small = b"y" * 1024
    small_headers = {**headers, "Content-Type": "application/json"}

    async def one() -> None:
        async with http.post(url, data=small, headers=small_headers) as resp:
            await resp.read()
            if resp.status != 202:
                raise RuntimeError(f"small body answered {resp.status}")

    async def worker(n: int) -> None:
        for _ in range(n):
            latencies.append(await _timed(one))

    started = time.perf_counter()
    await asyncio.gather(*(worker(50) for _ in range(4)))
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    p99 = ordered[int(len(ordered) * 0.99) - 1]
    print(
        f"  emulator 1 KB: {len(latencies) / elapsed:.1f} req/s, "
        f"p50 {statistics.median(ordered) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms "
        f"(4 concurrent clients, {len(latencies)} requests; S3 PutObject + SNS + DynamoDB)"
    )


async def _emulator_phase(endpoint: str) -> None:
    aws = AwsSettings(endpoint_url=endpoint, region="us-east-1")
    factory = AwsClientFactory(aws)
    env = f"bench{os.getpid() % 100000}"
    naming = Naming(env=env, region="us-east-1", account_id="123456789012")
    await apply_topology(factory, TOPOLOGY, naming)
    issued = generate_key("bench", datetime.now(UTC))
    from driftgate.ingest.adapters.dynamo_api_keys import DynamoApiKeyStore  # noqa: PLC0415
    from driftgate.runtime.topology import API_KEYS_TABLE  # noqa: PLC0415

    async with factory.client("dynamodb") as ddb:
        await DynamoApiKeyStore(ddb, naming.table(API_KEYS_TABLE)).save(issued.record)

    big = int(os.environ.get("DRIFTGATE_BENCH_BIG_MIB", "1024")) * MIB
    port = _free_port()
    tmp = tempfile.mkdtemp(prefix="driftgate-bench-")
    child_env = {
        **os.environ,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "DRIFTGATE_ENV": env,
        "DRIFTGATE_LOG_LEVEL": "WARNING",
        "DRIFTGATE_TRACE_FILE": f"{tmp}/traces.jsonl",
        "DRIFTGATE_INGEST_PORT": str(port),
        "DRIFTGATE_INGEST_MAX_BODY_BYTES": str(big + MIB),
        "DRIFTGATE_INGEST_RATE_LIMIT_PER_SECOND": "1000000",
        "DRIFTGATE_INGEST_RATE_LIMIT_BURST": "1000000",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "driftgate.ingest", env=child_env
    )
    base = f"http://127.0.0.1:{port}"
    url = f"{base}/v1/sources/bench/payloads"
    headers = {"X-Api-Key": issued.secret, "Content-Type": "text/csv"}
    try:
        async with ClientSession(timeout=ClientTimeout(total=BIG_TIMEOUT_SECONDS)) as http:
            async with asyncio.timeout(60):
                while True:
                    try:
                        async with http.get(base + "/readyz") as resp:
                            if resp.status == 200:
                                break
                    except OSError:
                        pass
                    await asyncio.sleep(0.2)
            idle_mb = _vm_hwm_mb(proc.pid)

            async def send_big() -> None:
                async with http.post(url, data=_stream(big), headers=headers) as resp:
                    body = await resp.text()
                    if resp.status != 202:
                        raise RuntimeError(f"large body answered {resp.status}: {body[:200]}")

            try:
                seconds = await _timed(send_big)
                peak = _vm_hwm_mb(proc.pid)
                print(
                    f"  {big // MIB} MiB streamed through the S3 adapter in {seconds:.1f}s "
                    f"({big / MIB / seconds:.1f} MiB/s); ingest peak RSS {peak:.0f} MB "
                    f"(idle {idle_mb:.0f} MB; target < 200 MB: "
                    f"{'meets' if peak < 200 else 'ABOVE'})"
                )
            except TimeoutError:
                print(
                    f"  {big // MIB} MiB did not finish within {BIG_TIMEOUT_SECONDS:.0f}s; "
                    f"peak RSS so far {_vm_hwm_mb(proc.pid):.0f} MB"
                )

            await _latency(http, url, headers)
    finally:
        if proc.returncode is None:
            proc.terminate()
        await proc.wait()


def main() -> None:
    print("ingest vs bare aiohttp handler (in-memory fakes, same process):")
    asyncio.run(_ratios())
    print("ingest subprocess with the real adapters on the embedded emulator:")
    with EmbeddedAws(port=0) as aws:
        asyncio.run(_emulator_phase(aws.endpoint_url))


if __name__ == "__main__":
    main()
