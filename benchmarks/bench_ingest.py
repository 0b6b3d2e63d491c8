"""Ingest throughput against a bare aiohttp handler, peak RSS streaming 1 GiB, emulator latency.

1. The ingest app (in-memory key store, publisher and a discarding object store) against a bare
   handler that reads the body and answers 202, each in its own server process pinned to one
   CPU, driven by the same lean keep-alive load generator pinned to the other CPU. A third
   server, the flat handler of ``ingest_floor`` (only the work the issue requires, no layers),
   gives the ceiling any design could reach. All are warmed up, then measured in rounds (order
   rotating); the printed ratio is the median of the per-round ratios, with min/max and the
   server CPU time per request. Targets: 1 KB requests/s >= 0.8x, 256 KB MB/s >= 0.7x.
2. ``python -m driftgate.ingest`` as a subprocess with the real S3 adapter against the embedded
   emulator; one large body (``DRIFTGATE_BENCH_BIG_MIB``, default 1024) is streamed through it
   and the subprocess's peak RSS (VmHWM from /proc) is printed (target < 200 MB).
3. Requests/s and p50/p99 latency of 1 KB payloads through that subprocess and the emulator.
"""

from __future__ import annotations

import asyncio
import hashlib
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

from aiohttp import ClientSession, ClientTimeout, web

from benchmarks.ingest_floor import floor_app
from driftgate.ingest.adapters.dynamo_api_keys import InMemoryApiKeyStore
from driftgate.ingest.bootstrap import bootstrap
from driftgate.ingest.domain.api_keys import ApiKeyRecord, generate_key, hash_key
from driftgate.ingest.entrypoints.http_app import SERVER_OPTIONS
from driftgate.ingest.settings import IngestSettings
from driftgate.runtime.aws import AwsClientFactory
from driftgate.runtime.local.emulator import EmbeddedAws
from driftgate.runtime.local.provision import apply_topology
from driftgate.runtime.naming import Naming
from driftgate.runtime.publisher import FakeEventPublisher
from driftgate.runtime.settings import AwsSettings
from driftgate.runtime.topology import TOPOLOGY

MIB = 1024 * 1024
BIG_TIMEOUT_SECONDS = 180.0
CONCURRENCY = 16
PATH = "/v1/sources/bench/payloads"
# The bare baseline, the service, and the flat handler that bounds what any design can reach.
KINDS = ("bare", "ingest", "floor")
# Paired rounds: each round measures both servers back to back (order alternating), so slow
# drift of this machine's speed hits both sides of a round's ratio alike.
ROUNDS = int(os.environ.get("DRIFTGATE_BENCH_ROUNDS", "7"))
ROUND_SECONDS = float(os.environ.get("DRIFTGATE_BENCH_ROUND_SECONDS", "1.5"))
WARMUP_SECONDS = 1.0
SERVER_CPU = 0
CLIENT_CPU = 1
_API_KEY_VAR = "DRIFTGATE_BENCH_API_KEY"


class _DiscardingStore:
    """Accepts writes and keeps nothing, so the benchmark measures ingest, not a fake's memory."""

    async def put_raw(self, key: str, body: bytes, content_type: str, metadata: Any) -> str:
        return "bench"

    async def start_staged(self, staging_key: str, content_type: str) -> Any:
        raise RuntimeError("bench bodies stay below the multipart threshold")


class _ForgetfulPublisher(FakeEventPublisher):
    """The fake publisher's work per event, without keeping every event of the run in memory."""

    async def publish(self, topic: str, event: Any) -> None:
        await super().publish(topic, event)
        self.published.clear()


async def _bare(request: web.Request) -> web.Response:
    await request.read()
    return web.json_response({"ok": True}, status=202)


def _bare_app() -> web.Application:
    app = web.Application(client_max_size=2 * MIB)
    app.router.add_post(PATH, _bare)
    return app


async def _ingest_app(secret: str) -> web.Application:
    keys = InMemoryApiKeyStore()
    await keys.save(
        ApiKeyRecord(
            key_id="key_bench",
            key_hash=hash_key(secret),
            source_id="bench",
            created_at=datetime.now(UTC),
        )
    )
    return bootstrap(
        keys=keys,
        raw=_DiscardingStore(),
        publisher=_ForgetfulPublisher(),
        settings=IngestSettings(rate_limit_per_second=1e9, rate_limit_burst=10**9),
    )


async def _serve_forever(kind: str, port: int) -> None:
    """Server side of the ratio phase: one app per process, as a deployment would run it."""
    if kind == "bare":
        app = _bare_app()
    elif kind == "floor":
        app = floor_app(os.environ[_API_KEY_VAR], "bench")
    else:
        app = await _ingest_app(os.environ[_API_KEY_VAR])
    runner = web.AppRunner(app, access_log=None, auto_decompress=SERVER_OPTIONS["auto_decompress"])
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    print("ready", flush=True)
    await asyncio.Event().wait()


class _Server:
    """A ratio-phase server subprocess, pinned to its own CPU when the machine has two."""

    def __init__(self, kind: str, secret: str) -> None:
        self.kind = kind
        self.port = _free_port()
        self._secret = secret
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "benchmarks.bench_ingest",
            "--serve",
            self.kind,
            str(self.port),
            env={**os.environ, _API_KEY_VAR: self._secret},
            stdout=asyncio.subprocess.PIPE,
        )
        assert self.proc.stdout is not None
        async with asyncio.timeout(30):
            line = await self.proc.stdout.readline()
        if line.strip() != b"ready":
            raise RuntimeError(f"{self.kind} server did not start")
        if _pinning():
            os.sched_setaffinity(self.proc.pid, {SERVER_CPU})

    def cpu_seconds(self) -> float:
        assert self.proc is not None
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            await self.proc.wait()


def _print_hash_cost() -> None:
    """SHA-256 alone, which the receipt and the metadata require, per 256 KB body."""
    body = b"x" * (256 * 1024)
    rounds = 200
    started = time.process_time()
    for _ in range(rounds):
        hashlib.sha256(body).hexdigest()
    per_body = (time.process_time() - started) / rounds * 1e6
    print(f"  SHA-256 of 256 KB in this process: {per_body:.0f} us CPU per body")


def _pinning() -> bool:
    return hasattr(os, "sched_setaffinity") and {SERVER_CPU, CLIENT_CPU} <= os.sched_getaffinity(0)


def _request_bytes(port: int, body: bytes, secret: str) -> bytes:
    head = (
        f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Api-Key: {secret}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _one_connection(port: int, request: bytes, stop: float) -> int:
    """Keep-alive requests on one connection until ``stop``; a lean client so the server is
    the bottleneck (an aiohttp client costs about as much CPU per request as the bare server)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    done = 0
    try:
        while time.perf_counter() < stop:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            if head[9:12] != b"202":
                raise RuntimeError(f"unexpected response {head[:200]!r}")
            length = int(head.lower().split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])
            await reader.readexactly(length)
            done += 1
    finally:
        writer.close()
        await writer.wait_closed()
    return done


async def _load(server: _Server, request: bytes, seconds: float) -> tuple[float, float]:
    """Requests/s reached by CONCURRENCY connections, and server CPU-microseconds per request."""
    cpu_before = server.cpu_seconds()
    started = time.perf_counter()
    stop = started + seconds
    counts = await asyncio.gather(
        *(_one_connection(server.port, request, stop) for _ in range(CONCURRENCY))
    )
    elapsed = time.perf_counter() - started
    total = sum(counts)
    return total / elapsed, (server.cpu_seconds() - cpu_before) / total * 1e6


def _spread(values: list[float]) -> str:
    return f"median {statistics.median(values):.2f} (min {min(values):.2f}, max {max(values):.2f})"


async def _ratios() -> None:
    allowed = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else set()
    if _pinning():
        os.sched_setaffinity(0, {CLIENT_CPU})
        print(f"  servers pinned to CPU {SERVER_CPU}, load generator to CPU {CLIENT_CPU}")
    else:
        print("  fewer than 2 CPUs: servers and load generator share the CPU (ratios are noisier)")
    secret = generate_key("bench", datetime.now(UTC)).secret
    servers = {name: _Server(name, secret) for name in KINDS}
    try:
        for server in servers.values():
            await server.start()
        for label, size, unit, target in (
            ("1 KB", 1024, "req/s", 0.8),
            ("256 KB", 256 * 1024, "MB/s", 0.7),
        ):
            body = b"x" * size
            scale = 1.0 if unit == "req/s" else size / MIB
            rates: dict[str, list[float]] = {name: [] for name in KINDS}
            cpu: dict[str, list[float]] = {name: [] for name in KINDS}
            ratios: dict[str, list[float]] = {"ingest": [], "floor": []}
            for server in servers.values():
                await _load(server, _request_bytes(server.port, body, secret), WARMUP_SECONDS)
            for round_no in range(ROUNDS):
                # Rotate the order, so no server always runs right after another one.
                shift = round_no % len(KINDS)
                for name in KINDS[shift:] + KINDS[:shift]:
                    server = servers[name]
                    request = _request_bytes(server.port, body, secret)
                    per_s, cpu_us = await _load(server, request, ROUND_SECONDS)
                    rates[name].append(per_s * scale)
                    cpu[name].append(cpu_us)
                for name, per_round in ratios.items():
                    per_round.append(rates[name][-1] / rates["bare"][-1])
            for name in KINDS:
                print(
                    f"  {label:>6} {name:<6} {unit} {_spread(rates[name])}; "
                    f"server CPU us/request {_spread(cpu[name])}"
                )
            ratio = statistics.median(ratios["ingest"])
            verdict = "meets" if ratio >= target else "BELOW"
            cpu_ratio = statistics.median(cpu["bare"]) / statistics.median(cpu["ingest"])
            print(
                f"  {label:>6} ratio ingest/bare {ratio:.2f}x ({verdict} target {target}x; "
                f"{ROUNDS} rounds of {ROUND_SECONDS:g}s, min {min(ratios['ingest']):.2f}x, "
                f"max {max(ratios['ingest']):.2f}x; bare/ingest CPU per request {cpu_ratio:.2f}x)"
            )
            floor = statistics.median(ratios["floor"])
            print(
                f"  {label:>6} ceiling floor/bare {floor:.2f}x: a flat handler doing only the "
                f"required work (benchmarks/ingest_floor.py); target "
                f"{'within reach' if floor >= target else 'ABOVE the ceiling'}"
            )
        _print_hash_cost()
    finally:
        for server in servers.values():
            await server.stop()
        if allowed:
            # The emulator phase's subprocesses inherit this process's affinity.
            os.sched_setaffinity(0, allowed)


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
    print("ingest vs bare aiohttp handler (in-memory fakes, one server process each):")
    asyncio.run(_ratios())
    print("ingest subprocess with the real adapters on the embedded emulator:")
    with EmbeddedAws(port=0) as aws:
        asyncio.run(_emulator_phase(aws.endpoint_url))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        asyncio.run(_serve_forever(sys.argv[2], int(sys.argv[3])))
    else:
        main()
