"""Event publishing: a narrow port, its SNS adapter, and the fake that stands in for it in tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from driftgate.contracts import CloudEvent
from driftgate.runtime import telemetry
from driftgate.runtime.aws_errors import classify
from driftgate.runtime.errors import PublishError
from driftgate.runtime.naming import Naming

if TYPE_CHECKING:
    from types_aiobotocore_sns import SNSClient
    from types_aiobotocore_sns.type_defs import MessageAttributeValueTypeDef


class EventPublisher(Protocol):
    async def publish(self, topic: str, event: CloudEvent[Any]) -> None:
        """Publish ``event`` to the logical ``topic``; raises ``PublishError`` when not accepted."""
        ...


def message_attributes(event: CloudEvent[Any]) -> dict[str, str]:
    """Attributes that subscription filter policies match on: event type, source_id, severity."""
    return {"event_type": event.type, **event.data.filter_attributes()}


class SnsEventPublisher:
    """Publishes CloudEvents (structured JSON) to SNS with filterable message attributes.

    The current trace context is injected into the envelope so the consumer continues the trace.
    """

    def __init__(self, sns: SNSClient, naming: Naming) -> None:
        self._sns = sns
        self._naming = naming

    async def publish(self, topic: str, event: CloudEvent[Any]) -> None:
        attrs: dict[str, MessageAttributeValueTypeDef] = {
            name: {"DataType": "String", "StringValue": value}
            for name, value in message_attributes(event).items()
        }
        with telemetry.producer_span(f"publish {event.type}", event, topic):
            # Injected inside the PRODUCER span so the consumer's span becomes its child.
            event = telemetry.inject_into_event(event)
            try:
                await self._sns.publish(
                    TopicArn=self._naming.topic_arn(topic),
                    Message=event.to_json().decode(),
                    MessageAttributes=attrs,
                )
            except (ClientError, BotoCoreError) as exc:
                raise PublishError(str(classify(exc, f"publish to {topic}"))) from exc


@dataclass
class FakeEventPublisher:
    """In-memory stand-in for unit tests; can be told to fail the next publishes."""

    published: list[tuple[str, CloudEvent[Any]]] = field(default_factory=list)
    fail_next: int = 0

    async def publish(self, topic: str, event: CloudEvent[Any]) -> None:
        if self.fail_next > 0:
            self.fail_next -= 1
            raise PublishError(f"fake publish to {topic} failed")
        self.published.append((topic, telemetry.inject_into_event(event)))

    def events(self, event_type: str | None = None) -> list[CloudEvent[Any]]:
        return [e for _, e in self.published if event_type is None or e.type == event_type]
