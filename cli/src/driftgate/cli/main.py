"""The `driftgate` command: run the local platform and inspect what it did."""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys
from pathlib import Path

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
)

from driftgate.cli import jobs_commands, keys_commands, schemas_commands
from driftgate.runtime.errors import DriftgateError
from driftgate.runtime.local.emulator import EmbeddedAws
from driftgate.runtime.settings import AwsSettings, RuntimeSettings
from driftgate.runtime.trace_view import trace_command


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex((host, port)) != 0


def up(args: argparse.Namespace) -> int:
    """Start the embedded emulator (unless AWS_ENDPOINT_URL points elsewhere) and the services."""
    from driftgate.cli.launcher import LaunchPlan, launch  # noqa: PLC0415

    aws = AwsSettings()
    runtime = RuntimeSettings()
    emulator: EmbeddedAws | None = None
    if aws.endpoint_url is None and not args.no_emulator:
        if not _port_free(args.emulator_host, args.emulator_port):
            print(
                f"port {args.emulator_port} is in use. Stop what holds it, or set "
                "AWS_ENDPOINT_URL to use that endpoint (LocalStack, say) instead.",
                file=sys.stderr,
            )
            return 2
        emulator = EmbeddedAws(args.emulator_host, args.emulator_port)
        aws = aws.model_copy(update={"endpoint_url": emulator.start()})
    try:
        plan = LaunchPlan(
            aws=aws,
            runtime=runtime,
            source_id=args.source,
            state_dir=Path(args.state_dir),
            tls=not args.no_tls,
        )
        return asyncio.run(launch(plan))
    finally:
        if emulator is not None:
            emulator.stop()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="driftgate", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p_up = sub.add_parser("up", help="run the whole platform locally")
    p_up.add_argument("--source", default="demo", help="source id of the development API key")
    p_up.add_argument("--state-dir", default=".driftgate", help="dev key, certificate, traces")
    p_up.add_argument("--emulator-host", default="127.0.0.1")
    p_up.add_argument("--emulator-port", type=int, default=4566)
    p_up.add_argument("--no-emulator", action="store_true", help="use AWS_ENDPOINT_URL or AWS")
    p_up.add_argument("--no-tls", action="store_true", help="serve ingest on HTTP only")
    p_up.set_defaults(func=up)

    p_trace = sub.add_parser("trace", help="print one trace's span tree from the local file")
    p_trace.add_argument("rest", nargs=argparse.REMAINDER)
    p_trace.set_defaults(func=lambda a: trace_command(a.rest))

    keys_commands.register(sub)
    jobs_commands.register(sub)
    schemas_commands.register(sub)
    return parser


_LOCAL_HINT = (
    "Operator commands talk to AWS directly. For the local platform started by `make run`, "
    "set AWS_ENDPOINT_URL=http://127.0.0.1:4566 (and DRIFTGATE_ENV if you changed it)."
)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        result: int = args.func(args)
    except (NoCredentialsError, EndpointConnectionError) as exc:
        print(f"driftgate: cannot reach AWS: {exc}\n{_LOCAL_HINT}", file=sys.stderr)
        return 1
    except (ClientError, BotoCoreError, DriftgateError) as exc:
        # One clear line instead of a traceback; the exception text carries the AWS error code.
        print(f"driftgate: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return result


if __name__ == "__main__":
    sys.exit(main())
