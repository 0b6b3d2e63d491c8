"""Pure domain rules: the state machine table, cursors, operator keys, EMF records, job ids."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from driftgate.contracts.events import JobStatus
from driftgate.contracts.events.job import JOB_ID_PATTERN
from driftgate.status.domain.cursor import CursorCodec
from driftgate.status.domain.job import job_id_for, request_hash
from driftgate.status.domain.metrics import emf_record
from driftgate.status.domain.operator_keys import KEY_PREFIX, generate_operator_key, key_matches
from driftgate.status.domain.state_machine import Move, allowed_next, classify_move
from driftgate.status.errors import InvalidCursorError

S, R, OK, F = JobStatus.SUBMITTED, JobStatus.RUNNING, JobStatus.SUCCEEDED, JobStatus.FAILED


@pytest.mark.parametrize(
    ("current", "requested", "move"),
    [
        (S, R, Move.TRANSITION),
        (R, OK, Move.TRANSITION),
        (R, F, Move.TRANSITION),
        (S, S, Move.HEARTBEAT),
        (R, R, Move.HEARTBEAT),
        (S, OK, Move.INVALID),
        (S, F, Move.INVALID),
        (R, S, Move.INVALID),
        (OK, R, Move.INVALID),
        (OK, F, Move.INVALID),
        (F, OK, Move.INVALID),
        (F, S, Move.INVALID),
    ],
)
def test_only_the_seed_transitions_exist(
    current: JobStatus, requested: JobStatus, move: Move
) -> None:
    assert classify_move(current, requested) is move


def test_allowed_next_lists_the_way_forward() -> None:
    assert [allowed_next(s) for s in (S, R, OK, F)] == [
        ["RUNNING"],
        ["SUCCEEDED", "FAILED"],
        [],
        [],
    ]


def test_cursor_round_trips_only_for_its_scope_and_key() -> None:
    codec = CursorCodec(b"k" * 32)
    cursor = codec.encode({"job_id": "j", "created_sk": "2026#j"}, "status=&type=")
    assert codec.decode(cursor, "status=&type=") == {"job_id": "j", "created_sk": "2026#j"}
    with pytest.raises(InvalidCursorError):
        codec.decode(cursor, "status=RUNNING&type=")
    with pytest.raises(InvalidCursorError):
        CursorCodec(b"o" * 32).decode(cursor, "status=&type=")
    with pytest.raises(InvalidCursorError):
        codec.decode("x" * 5000, "status=&type=")


@pytest.mark.parametrize("cursor", ["é.é", "abc.\u00d4I\u009b", "\u00e9abc.def"])
def test_non_ascii_cursor_is_invalid_not_a_crash(cursor: str) -> None:
    # hmac.compare_digest raises TypeError on non-ASCII str; a cursor is base64url, so ASCII.
    with pytest.raises(InvalidCursorError):
        CursorCodec(b"k" * 32).decode(cursor, "status=&type=")


def test_operator_keys_are_random_scoped_and_hashed() -> None:
    a = generate_operator_key("ops", datetime.now(UTC))
    b = generate_operator_key("ops", datetime.now(UTC))
    assert a.secret.startswith(KEY_PREFIX) and a.secret != b.secret
    assert a.record.scope == "operator" and a.secret not in repr(a.record)
    assert key_matches(a.record, a.secret) and not key_matches(a.record, b.secret)


def test_job_ids_follow_the_idempotency_key_and_the_contract_pattern() -> None:
    one = job_id_for("opk_1", "key")
    assert one == job_id_for("opk_1", "key") != job_id_for("opk_2", "key")
    assert re.fullmatch(JOB_ID_PATTERN, one)
    assert request_hash("t", {"a": 1, "b": 2}) == request_hash("t", {"b": 2, "a": 1})


def test_emf_record_declares_its_metrics_for_cloudwatch() -> None:
    at = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
    record = emf_record(
        {"jobs.completed": (1, "Count"), "job.processing.time": (71.5, "Seconds")},
        {"service": "status", "job_type": "promote"},
        at,
    )
    meta = record["_aws"]
    assert meta["Timestamp"] == int(at.timestamp() * 1000)
    directive = meta["CloudWatchMetrics"][0]
    assert directive["Dimensions"] == [["job_type", "service"]]
    assert {m["Name"]: m["Unit"] for m in directive["Metrics"]} == {
        "jobs.completed": "Count",
        "job.processing.time": "Seconds",
    }
    assert record["job.processing.time"] == 71.5 and record["job_type"] == "promote"
