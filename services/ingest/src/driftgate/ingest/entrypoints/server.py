"""The ingest process: the payload API on HTTP and, when given a certificate, HTTPS."""

from __future__ import annotations

import ssl

from driftgate.ingest.adapters.dynamo_api_keys import DynamoApiKeyStore
from driftgate.ingest.adapters.dynamo_idempotency import DynamoIdempotencyStore
from driftgate.ingest.adapters.s3_raw_store import S3RawObjectStore
from driftgate.ingest.bootstrap import bootstrap
from driftgate.ingest.entrypoints.http_app import SERVER_OPTIONS
from driftgate.ingest.settings import IngestSettings
from driftgate.runtime.health import health_routes
from driftgate.runtime.http_server import HttpServer, Listener
from driftgate.runtime.lifecycle import ServiceRunner
from driftgate.runtime.publisher import SnsEventPublisher
from driftgate.runtime.service_host import Build, open_aws, run_service_process
from driftgate.runtime.settings import AwsSettings, RuntimeSettings
from driftgate.runtime.topology import API_KEYS_TABLE, IDEMPOTENCY_TABLE, RAW_BUCKET

SERVICE = "ingest"


def listeners(settings: IngestSettings) -> list[Listener]:
    """Plain HTTP always; HTTPS too when a certificate and key are configured."""
    out = [Listener(settings.host, settings.port)]
    if settings.tls_cert_file and settings.tls_key_file:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(settings.tls_cert_file, settings.tls_key_file)
        out.append(Listener(settings.host, settings.https_port, context))
    return out


def builder(
    settings: IngestSettings | None = None,
    aws: AwsSettings | None = None,
    runtime: RuntimeSettings | None = None,
    *,
    on_listening: list[HttpServer] | None = None,
) -> Build:
    """``on_listening`` receives the server so callers (tests, the launcher) can read its URLs."""
    settings = settings or IngestSettings()
    aws = aws or AwsSettings()
    runtime = runtime or RuntimeSettings()

    async def build(runner: ServiceRunner) -> None:
        handles = await open_aws(runner, aws, runtime)
        bucket = handles.naming.bucket(RAW_BUCKET)
        app = bootstrap(
            keys=DynamoApiKeyStore(handles.ddb, handles.naming.table(API_KEYS_TABLE)),
            raw=S3RawObjectStore(handles.s3, bucket),
            idempotency=DynamoIdempotencyStore(
                handles.ddb, handles.naming.table(IDEMPOTENCY_TABLE)
            ),
            publisher=SnsEventPublisher(handles.sns, handles.naming),
            settings=settings,
        )

        async def raw_zone() -> bool:
            await handles.s3.head_bucket(Bucket=bucket)
            return True

        app.add_routes(health_routes({"raw_zone": raw_zone}, gate=runner))
        server = HttpServer(app, listeners(settings), **SERVER_OPTIONS)
        if on_listening is not None:
            on_listening.append(server)
        runner.add(server)

    return build


def main() -> int:
    return run_service_process(SERVICE, builder())
