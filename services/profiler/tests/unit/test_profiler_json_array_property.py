"""JSON arrays decoded in batches must give the reference profile, whatever layout and chunking."""

import json
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from driftgate.profiler.domain.field_walk import profile_records
from driftgate.profiler.readers import profile_chunks

KEYS = st.sampled_from(["id", "a", "items", "o", "s"])
# Texts that look like element boundaries, brackets and escapes, to mislead a boundary search.
TRICKY = st.sampled_from(["},{", "}, {", "},\n{", "]", "[{", '"', "\\", "}", "x"])
SCALARS = st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(max_size=6) | TRICKY
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=10,
)
RECORDS = st.lists(st.dictionaries(KEYS, VALUES, max_size=5), min_size=1, max_size=60)


def _layouts(records: list[dict[str, Any]]) -> list[bytes]:
    return [
        orjson.dumps(records),  # compact
        json.dumps(records).encode(),  # ", " and ": " separators
        json.dumps(records, indent=2).encode(),  # pretty, nested values indented deeper
        json.dumps(records, indent=0).encode(),  # one token per line, no indentation
        b"[\n" + b",\n".join(map(orjson.dumps, records)) + b"\n]",  # one element per line
    ]


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(RECORDS, st.integers(1, 400))
def test_batched_array_decoding_agrees_with_the_reference(
    records: list[dict[str, Any]], chunk: int
) -> None:
    expected = profile_records(records)
    for data in _layouts(records):
        chunks = [data[i : i + chunk] for i in range(0, len(data), chunk)]
        assert profile_chunks(chunks, "json") == expected
        assert profile_chunks(chunks, "json", fast=False) == expected
