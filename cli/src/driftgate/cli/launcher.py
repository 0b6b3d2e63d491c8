"""`driftgate up`: the emulator, the topology, a dev key and every service as its own process."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import ClientError, ClientSession, ClientTimeout

from driftgate.cli.alert_tap import create_alert_tap, format_alert, tail_alerts
from driftgate.cli.dev_tls import ensure_dev_certificate
from driftgate.cli.jobs_commands import create_operator_key
from driftgate.cli.provisioning import create_api_key, provision
from driftgate.ingest.settings import IngestSettings
from driftgate.notifier.settings import NotifierSettings
from driftgate.profiler.settings import ProfilerSettings
from driftgate.runtime.aws import AwsClientFactory
from driftgate.runtime.naming import Naming
from driftgate.runtime.settings import AwsSettings, RuntimeSettings
from driftgate.status.settings import StatusSettings

READY_TIMEOUT_SECONDS = 60.0


@dataclass
class ServiceProcess:
    name: str
    module: str
    ready_url: str
    process: asyncio.subprocess.Process | None = None


@dataclass
class LaunchPlan:
    aws: AwsSettings
    runtime: RuntimeSettings
    source_id: str
    state_dir: Path
    tls: bool = True
    services: list[ServiceProcess] = field(default_factory=list)


def _service_env(plan: LaunchPlan, cert: Path | None, key: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    env["DRIFTGATE_ENV"] = plan.runtime.env
    env["AWS_REGION"] = plan.aws.region
    if plan.aws.endpoint_url:
        env["AWS_ENDPOINT_URL"] = plan.aws.endpoint_url
    env.setdefault("DRIFTGATE_LOG_FORMAT", "text")
    env.setdefault("DRIFTGATE_TRACE_FILE", str(plan.runtime.trace_file.resolve()))
    # Locally, submitted jobs run the sample worker, which reports back with signed callbacks.
    env.setdefault("DRIFTGATE_STATUS_LAUNCHER", "local")
    env.setdefault(
        "DRIFTGATE_STATUS_LOCAL_COMMAND", f"{sys.executable} -m driftgate.status.sample_worker"
    )
    if cert and key:
        env["DRIFTGATE_INGEST_TLS_CERT_FILE"] = str(cert)
        env["DRIFTGATE_INGEST_TLS_KEY_FILE"] = str(key)
    return env


async def _wait_ready(services: list[ServiceProcess]) -> None:
    async with (
        ClientSession(timeout=ClientTimeout(total=2)) as http,
        asyncio.timeout(READY_TIMEOUT_SECONDS),
    ):
        for svc in services:
            while True:
                if svc.process is not None and svc.process.returncode is not None:
                    raise RuntimeError(f"{svc.name} exited with code {svc.process.returncode}")
                with contextlib.suppress(ClientError, TimeoutError):
                    async with http.get(svc.ready_url) as resp:
                        if resp.status == 200:
                            break
                await asyncio.sleep(0.2)


def _banner(plan: LaunchPlan, ingest: IngestSettings, api_key: str) -> str:
    http = f"http://{ingest.host}:{ingest.port}"
    https = f"  https://{ingest.host}:{ingest.https_port} (self-signed)" if plan.tls else ""
    url = f"{http}/v1/sources/{plan.source_id}/payloads"
    lines = [
        "",
        f"driftgate is running (env {plan.runtime.env}, AWS at {plan.aws.endpoint_url or 'AWS'})",
        f"  ingest    {http}{https}",
        *(f"  {s.name:<9} {s.ready_url}" for s in plan.services if s.name != "ingest"),
        f"  traces    {plan.runtime.trace_file}  (driftgate trace <trace-id>)",
        "",
        f"Development API key for source '{plan.source_id}' (shown once, also in "
        f"{plan.state_dir / 'dev-api-key'}):",
        f"  {api_key}",
        "",
        "Try:",
        f"  curl -i -X POST {url} -H 'X-Api-Key: {api_key}' \\",
        "       -H 'Content-Type: application/json' "
        """-d '{"order_id": 1, "customer_id": "c-1", "total": 9.5}'""",
        f"  curl -i -X POST {url} -H 'X-Api-Key: {api_key}' \\",
        """       -H 'Content-Type: application/json' -d '{"order_id": 2, "total": 3.0}'""",
        *_status_lines(plan),
        *_operator_lines(plan),
        "Alerts from the alerts topic are printed below. Ctrl-C stops everything.",
        "",
    ]
    return "\n".join(lines)


def _operator_lines(plan: LaunchPlan) -> list[str]:
    """How to point the operator commands (keys, schemas, dead-letters) at this platform."""
    if not plan.aws.endpoint_url:
        return []
    env = f" DRIFTGATE_ENV={plan.runtime.env}" if plan.runtime.env != "local" else ""
    return [
        "Operator commands (keys, schemas, dead-letters, payloads) from another shell:",
        f"  export AWS_ENDPOINT_URL={plan.aws.endpoint_url}{env}",
        "  uv run driftgate schemas list",
        "",
    ]


def _status_lines(plan: LaunchPlan) -> list[str]:
    """How to reach the job API: its URL and the development operator key."""
    status = StatusSettings()
    key_file = plan.state_dir / "dev-operator-key"
    if not key_file.exists():
        return []
    url = f"http://{status.host}:{status.port}"
    return [
        f"Job control API (status) at {url}  (docs: {url}/docs)",
        f"Development operator key (also in {key_file}):",
        f"  {key_file.read_text().strip()}",
        f"  driftgate jobs submit sample --url {url}   then   driftgate jobs list --url {url}",
        "",
    ]


async def _print_alerts(aws: AwsSettings, naming: Naming) -> None:
    factory = AwsClientFactory(aws)
    async with factory.client("sqs") as sqs, factory.client("sns") as sns:
        url = await create_alert_tap(sqs, sns, naming)
        async for alert in tail_alerts(sqs, url):
            print(format_alert(alert), flush=True)


async def _terminate(services: list[ServiceProcess], grace: float) -> None:
    running = [s.process for s in services if s.process and s.process.returncode is None]
    for proc in running:
        proc.send_signal(signal.SIGTERM)
    try:
        async with asyncio.timeout(grace + 5):
            await asyncio.gather(*(p.wait() for p in running))
    except TimeoutError:
        for proc in running:
            if proc.returncode is None:
                proc.kill()
        await asyncio.gather(*(p.wait() for p in running))


async def launch(plan: LaunchPlan) -> int:
    """Provision, start every service, print how to use them, tail alerts until a signal."""
    naming = await provision(plan.aws, plan.runtime)
    api_key = await create_api_key(plan.aws, naming, plan.source_id)
    plan.state_dir.mkdir(parents=True, exist_ok=True)
    key_file = plan.state_dir / "dev-api-key"
    key_file.write_text(api_key + "\n")
    key_file.chmod(0o600)
    cert, key = ensure_dev_certificate(plan.state_dir / "tls") if plan.tls else (None, None)
    operator_key_file = plan.state_dir / "dev-operator-key"
    operator_key_file.write_text(await create_operator_key(plan.aws, naming, "dev") + "\n")
    operator_key_file.chmod(0o600)

    ingest = IngestSettings()
    plan.services = [
        ServiceProcess("ingest", "driftgate.ingest", f"http://{ingest.host}:{ingest.port}/readyz"),
        ServiceProcess(
            "profiler",
            "driftgate.profiler",
            f"http://{plan.runtime.health_host}:{ProfilerSettings().health_port}/readyz",
        ),
        ServiceProcess(
            "notifier",
            "driftgate.notifier",
            f"http://{plan.runtime.health_host}:{NotifierSettings().health_port}/readyz",
        ),
        ServiceProcess(
            "status",
            "driftgate.status",
            f"http://{StatusSettings().host}:{StatusSettings().port}/readyz",
        ),
    ]
    env = _service_env(plan, cert, key)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        for svc in plan.services:
            svc.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", svc.module, env=env
            )
        await _wait_ready(plan.services)
        print(_banner(plan, ingest, api_key), flush=True)
        async with asyncio.TaskGroup() as group:
            alerts = group.create_task(_print_alerts(plan.aws, naming))
            exits = [
                group.create_task(s.process.wait()) for s in plan.services if s.process is not None
            ]
            stopper = group.create_task(stop.wait())
            await asyncio.wait([stopper, *exits], return_when=asyncio.FIRST_COMPLETED)
            for task in (alerts, stopper, *exits):
                task.cancel()
        crashed = [s for s in plan.services if s.process and s.process.returncode is not None]
        for svc in crashed:
            print(f"{svc.name} exited with code {svc.process.returncode}", file=sys.stderr)  # type: ignore[union-attr]
        return 1 if crashed and not stop.is_set() else 0
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        await _terminate(plan.services, plan.runtime.shutdown_grace_seconds)
