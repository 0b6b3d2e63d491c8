"""Signing secrets from Secrets Manager (with rotation) and the EMR Serverless launcher."""

from __future__ import annotations

import orjson

from driftgate.contracts.webhook_signing import generate_secret, sign_headers, verify
from driftgate.runtime.aws import AwsClientFactory
from driftgate.runtime.naming import Naming
from driftgate.runtime.topology import JOB_CALLBACK_SECRET
from driftgate.status.adapters.callback_secrets import SecretsManagerCallbackSecrets
from driftgate.status.adapters.emr_serverless_launcher import EmrServerlessLauncher
from driftgate.status.ports import LaunchRequest

BODY = b'{"status":"RUNNING","occurred_at":"2026-03-14T09:30:00Z"}'


async def test_provisioned_secret_then_rotation_accepts_both(
    aws: AwsClientFactory, provisioned: Naming
) -> None:
    secret_id = provisioned.name(JOB_CALLBACK_SECRET)
    async with aws.client("secretsmanager") as sm:
        secrets = SecretsManagerCallbackSecrets(sm, secret_id, cache_seconds=0)
        original = await secrets.accepted()
        assert len(original) == 1 and original[0].startswith("whsec_")

        rotated = generate_secret()
        await sm.put_secret_value(SecretId=secret_id, SecretString=rotated)

        assert await secrets.accepted() == [rotated, original[0]]
        assert await secrets.current() == rotated
        # A worker started before the rotation still signs with the old secret: accepted.
        old_signed = sign_headers(original[0], BODY).as_dict()
        assert verify(await secrets.accepted(), BODY, old_signed).msg_id.startswith("msg_")

        await sm.put_secret_value(SecretId=secret_id, SecretString=generate_secret())
        assert original[0] not in await secrets.accepted()  # two rotations retire it


async def test_cached_secrets_are_not_refetched_within_the_cache_window(
    aws: AwsClientFactory, provisioned: Naming
) -> None:
    secret_id = provisioned.name(JOB_CALLBACK_SECRET)
    async with aws.client("secretsmanager") as sm:
        secrets = SecretsManagerCallbackSecrets(sm, secret_id, cache_seconds=3600)
        before = await secrets.accepted()
        await sm.put_secret_value(SecretId=secret_id, SecretString=generate_secret())
        assert await secrets.accepted() == before


async def test_emr_serverless_launch_passes_job_callback_and_secret_reference(
    aws: AwsClientFactory, naming: Naming
) -> None:
    async with aws.client("emr-serverless") as emr:
        app = await emr.create_application(
            name="driftgate-jobs", releaseLabel="emr-7.1.0", type="SPARK", clientToken="app-1"
        )
        launcher = EmrServerlessLauncher(
            emr,
            application_id=app["applicationId"],
            execution_role_arn=f"arn:aws:iam::{naming.account_id}:role/driftgate-jobs",
            entry_point="s3://driftgate-artifacts/promote.py",
        )
        request = LaunchRequest(
            job_id="job_aaaaaaaaaaaaaaaaaaaaaaaaaa",
            job_type="promote",
            params={"source_id": "orders"},
            callback_url="https://status.example/internal/jobs/job_aaaaaaaaaaaaaaaaaaaaaaaaaa/status",
            secret_ref="driftgate-prod-job-callback-signing",
        )

        sent: list[dict[str, object]] = []

        def capture(params: dict[str, object], **_: object) -> None:
            sent.append(dict(params))

        # The real request on its way out: clientToken is what makes a retried launch idempotent.
        emr.meta.events.register("provide-client-params.emr-serverless.StartJobRun", capture)
        run_id = await launcher.launch(request)

        run = (await emr.get_job_run(applicationId=app["applicationId"], jobRunId=run_id))["jobRun"]
    assert [p["clientToken"] for p in sent] == [request.job_id]
    assert run["name"] == request.job_id
    submit = run["jobDriver"]["sparkSubmit"]
    assert submit["entryPoint"] == "s3://driftgate-artifacts/promote.py"
    args = submit["entryPointArguments"]
    assert args[:2] == ["--job-id", request.job_id]
    assert orjson.loads(args[3]) == {"source_id": "orders"}
    conf = submit["sparkSubmitParameters"]
    assert f"driverEnv.DRIFTGATE_CALLBACK_URL={request.callback_url}" in conf
    assert "driverEnv.DRIFTGATE_CALLBACK_SECRET_ID=driftgate-prod-job-callback-signing" in conf
    assert run["tags"]["driftgate:job-id"] == request.job_id
