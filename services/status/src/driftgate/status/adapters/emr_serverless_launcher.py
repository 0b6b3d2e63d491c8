"""Start a job's run on EMR Serverless. ``clientToken`` = job id makes retries idempotent."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import orjson
from botocore.exceptions import BotoCoreError, ClientError

from driftgate.runtime.aws_errors import classify
from driftgate.status.ports import LaunchRequest

if TYPE_CHECKING:
    from types_aiobotocore_emr_serverless import EMRServerlessClient


def driver_env(request: LaunchRequest) -> dict[str, str]:
    """What every run gets: which job it is, where to report, which secret signs reports."""
    return {
        "DRIFTGATE_JOB_ID": request.job_id,
        "DRIFTGATE_JOB_TYPE": request.job_type,
        "DRIFTGATE_JOB_PARAMS": orjson.dumps(request.params).decode(),
        "DRIFTGATE_CALLBACK_URL": request.callback_url,
        "DRIFTGATE_CALLBACK_SECRET_ID": request.secret_ref,
    }


class EmrServerlessLauncher:
    def __init__(
        self,
        client: EMRServerlessClient,
        *,
        application_id: str,
        execution_role_arn: str,
        entry_point: str,
    ) -> None:
        self._client = client
        self._application_id = application_id
        self._role = execution_role_arn
        self._entry_point = entry_point

    async def launch(self, request: LaunchRequest) -> str:
        conf = " ".join(
            f"--conf spark.emr-serverless.driverEnv.{k}={v}"
            for k, v in driver_env(request).items()
            if k != "DRIFTGATE_JOB_PARAMS"  # may contain spaces; passed as an argument instead
        )
        try:
            resp = await self._client.start_job_run(
                applicationId=self._application_id,
                clientToken=request.job_id,
                executionRoleArn=self._role,
                name=request.job_id,
                jobDriver={
                    "sparkSubmit": {
                        "entryPoint": self._entry_point,
                        "entryPointArguments": [
                            "--job-id",
                            request.job_id,
                            "--params",
                            driver_env(request)["DRIFTGATE_JOB_PARAMS"],
                        ],
                        "sparkSubmitParameters": conf,
                    }
                },
                tags={"driftgate:job-id": request.job_id, "driftgate:job-type": request.job_type},
            )
        except (ClientError, BotoCoreError) as exc:
            raise classify(exc, f"start EMR Serverless run for {request.job_id}") from exc
        return resp["jobRunId"]


@dataclass
class RecordingLauncher:
    """Fake launcher: remembers requests, returns one run id per job (like clientToken)."""

    requests: list[LaunchRequest] = field(default_factory=list)

    async def launch(self, request: LaunchRequest) -> str:
        self.requests.append(request)
        return f"run-{request.job_id}"
