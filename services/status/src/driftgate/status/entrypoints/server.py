"""The status process: job API and callbacks on HTTP, outbox relay, sweeper, launcher."""

from __future__ import annotations

from driftgate.runtime.aws import AwsClientFactory
from driftgate.runtime.health import health_routes
from driftgate.runtime.http_server import HttpServer, Listener
from driftgate.runtime.lifecycle import ServiceRunner
from driftgate.runtime.publisher import SnsEventPublisher
from driftgate.runtime.service_host import (
    AwsHandles,
    Build,
    open_aws,
    queue_consumer,
    run_service_process,
)
from driftgate.runtime.settings import AwsSettings, RuntimeSettings
from driftgate.runtime.topology import (
    JOB_AUDIT_TABLE,
    JOB_CALLBACK_SECRET,
    JOB_CALLBACKS_QUEUE,
    JOB_LAUNCHER_QUEUE,
    JOB_OUTBOX_TABLE,
    JOBS_TABLE,
    OPERATOR_KEYS_TABLE,
    WEBHOOK_IDS_TABLE,
)
from driftgate.status.adapters.callback_secrets import SecretsManagerCallbackSecrets
from driftgate.status.adapters.dynamo_job_store import DynamoJobStore, DynamoOutbox, JobTables
from driftgate.status.adapters.dynamo_operator_keys import DynamoOperatorKeyStore
from driftgate.status.adapters.emr_serverless_launcher import EmrServerlessLauncher
from driftgate.status.adapters.local_process_launcher import LocalProcessLauncher
from driftgate.status.bootstrap import bootstrap
from driftgate.status.callback_queue import CallbackQueueConsumer
from driftgate.status.launching import launch_handler
from driftgate.status.ports import JobLauncher
from driftgate.status.settings import StatusSettings
from driftgate.status.sweeper import sweeper

SERVICE = "status"


def job_tables(handles: AwsHandles) -> JobTables:
    n = handles.naming
    return JobTables(
        jobs=n.table(JOBS_TABLE),
        audit=n.table(JOB_AUDIT_TABLE),
        outbox=n.table(JOB_OUTBOX_TABLE),
        webhooks=n.table(WEBHOOK_IDS_TABLE),
    )


async def _launcher(
    runner: ServiceRunner, settings: StatusSettings, factory: AwsClientFactory
) -> JobLauncher | None:
    if settings.launcher == "local":
        aws = factory.settings
        # Local runs reach the same AWS (the emulator, locally) to read the signing secret.
        env = {"AWS_REGION": aws.region}
        if aws.endpoint_url:
            env["AWS_ENDPOINT_URL"] = aws.endpoint_url
        launcher = LocalProcessLauncher(settings.local_command, extra_env=env, grace=runner.grace)
        return await runner.enter(launcher)
    if settings.launcher == "emr-serverless":
        client = await runner.enter(factory.client("emr-serverless"))
        return EmrServerlessLauncher(
            client,
            application_id=settings.emr_application_id,
            execution_role_arn=settings.emr_execution_role_arn,
            entry_point=settings.emr_entry_point,
        )
    return None


def builder(
    settings: StatusSettings | None = None,
    aws: AwsSettings | None = None,
    runtime: RuntimeSettings | None = None,
    *,
    on_listening: list[HttpServer] | None = None,
) -> Build:
    """``on_listening`` receives the server so callers (tests, the launcher) can read its URL."""
    settings = settings or StatusSettings()
    aws = aws or AwsSettings()
    runtime = runtime or RuntimeSettings()

    async def build(runner: ServiceRunner) -> None:
        handles = await open_aws(runner, aws, runtime)
        factory = AwsClientFactory(aws)
        secrets_client = await runner.enter(factory.client("secretsmanager"))
        tables = job_tables(handles)
        store = DynamoJobStore(handles.ddb, tables)
        secret_id = handles.naming.name(JOB_CALLBACK_SECRET)
        status = bootstrap(
            store=store,
            outbox=DynamoOutbox(handles.ddb, tables.outbox),
            keys=DynamoOperatorKeyStore(handles.ddb, handles.naming.table(OPERATOR_KEYS_TABLE)),
            secrets_source=SecretsManagerCallbackSecrets(
                secrets_client, secret_id, cache_seconds=settings.secret_cache_seconds
            ),
            publisher=SnsEventPublisher(handles.sns, handles.naming),
            settings=settings,
        )

        async def jobs_table() -> bool:
            await handles.ddb.describe_table(TableName=tables.jobs)
            return True

        status.app.add_routes(health_routes({"jobs_table": jobs_table}, gate=runner))
        server = HttpServer(status.app, [Listener(settings.host, settings.port)])
        if on_listening is not None:
            on_listening.append(server)
        runner.add(server)
        runner.add(status.relay)
        runner.add(sweeper(status.deps.transitions, settings.sweep_interval_seconds))
        callbacks_queue = handles.naming.name(JOB_CALLBACKS_QUEUE, fifo=True)
        callbacks_url = (await handles.sqs.get_queue_url(QueueName=callbacks_queue))["QueueUrl"]
        runner.add(CallbackQueueConsumer(handles.sqs, callbacks_url, status.callbacks))

        launcher = await _launcher(runner, settings, factory)
        if launcher is not None:

            def callback_base() -> str:
                return settings.public_url or server.urls[0]

            consumer, _ = await queue_consumer(
                handles,
                JOB_LAUNCHER_QUEUE,
                launch_handler(store, launcher, callback_base, secret_id),
                name=f"{SERVICE}-launcher",
                runtime=runtime,
                max_concurrency=4,
            )
            runner.add(consumer)

    return build


def main() -> int:
    return run_service_process(SERVICE, builder())
