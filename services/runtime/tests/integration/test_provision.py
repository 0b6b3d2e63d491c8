import json

from driftgate.runtime.aws import AwsClientFactory
from driftgate.runtime.local.provision import apply_topology
from driftgate.runtime.naming import Naming
from driftgate.runtime.topology import PROFILER_QUEUE, TOPOLOGY


async def test_topology_applies_twice_and_wires_redrive(
    aws: AwsClientFactory, provisioned: Naming
) -> None:
    await apply_topology(aws, TOPOLOGY, provisioned)  # idempotent re-run
    async with aws.client("sqs") as sqs:
        url = (await sqs.get_queue_url(QueueName=provisioned.name(PROFILER_QUEUE)))["QueueUrl"]
        attrs = (await sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"]))["Attributes"]
    redrive = json.loads(attrs["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"].endswith(provisioned.name(f"{PROFILER_QUEUE}-dlq"))
    assert int(redrive["maxReceiveCount"]) == TOPOLOGY.queue(PROFILER_QUEUE).max_receive_count
