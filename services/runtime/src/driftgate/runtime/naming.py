"""Logical → physical resource names, and the ARNs/URLs services need at run time."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Naming:
    """Physical names are ``driftgate-<env>-<logical>``: environments can share an account."""

    env: str
    region: str = "us-east-1"
    account_id: str = "000000000000"

    def name(self, logical: str, *, fifo: bool = False) -> str:
        return f"driftgate-{self.env}-{logical}" + (".fifo" if fifo else "")

    def bucket(self, logical: str) -> str:
        # Bucket names are global; the account id keeps ours unique outside the emulator.
        return f"driftgate-{self.env}-{logical}-{self.account_id}"

    def topic_arn(self, logical: str) -> str:
        return f"arn:aws:sns:{self.region}:{self.account_id}:{self.name(logical)}"

    def queue_arn(self, logical: str) -> str:
        return f"arn:aws:sqs:{self.region}:{self.account_id}:{self.name(logical)}"

    def table(self, logical: str) -> str:
        return self.name(logical)
