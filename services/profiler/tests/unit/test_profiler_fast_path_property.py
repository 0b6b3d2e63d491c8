"""The fast path and the reference walk must produce the same profile on every input."""

import csv
import io
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from driftgate.profiler.domain.fast_inference import walk_records
from driftgate.profiler.domain.field_walk import ProfileBuilder, profile_records, walk_record
from driftgate.profiler.errors import UnreadablePayloadError
from driftgate.profiler.readers import profile_bytes
from driftgate.profiler.readers.csv_rows import CsvParser

# Keys avoid the path syntax itself ("." and "[]"), which would make two paths collide.
KEYS = st.sampled_from(["id", "a", "b", "name", "when", "tags", "x_y", "Nested", "é"])
ISO_TEXT = st.sampled_from(
    ["2024-01-31", "2024-02-30", "2024-01-31T10:20:30Z", "2024-01-31 10:20", "2024-13-01", "x"]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | ISO_TEXT
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=12,
)
RECORDS = st.lists(st.dictionaries(KEYS, VALUES, max_size=6), min_size=1, max_size=40)
# Columns of one kind each, mixed per record: conflicting types across records on purpose.
HOMOGENEOUS = st.lists(
    st.fixed_dictionaries(
        {
            "id": st.integers(0, 10**6),
            "price": st.one_of(st.floats(0, 100), st.integers(0, 100), st.none()),
            "when": st.one_of(ISO_TEXT, st.none()),
        }
    ),
    min_size=1,
    max_size=300,
)


def _fast(records: list[dict[str, Any]], sample_window: int, batch: int) -> Any:
    builder = ProfileBuilder(sample_window=sample_window)
    for start in range(0, len(records), batch):
        walk_records(builder, records[start : start + batch])
    return builder.build()


def _reference(records: list[dict[str, Any]], sample_window: int) -> Any:
    builder = ProfileBuilder(sample_window=sample_window)
    for record in records:
        walk_record(builder, record)
    return builder.build()


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(RECORDS, st.integers(1, 50), st.integers(1, 17))
def test_fast_walk_agrees_with_reference_walk(
    records: list[dict[str, Any]], sample_window: int, batch: int
) -> None:
    assert _fast(records, sample_window, batch) == _reference(records, sample_window)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(HOMOGENEOUS)
def test_fast_walk_agrees_on_large_columns_typed_in_arrow(records: list[dict[str, Any]]) -> None:
    # Columns of 48+ strings are typed by Arrow's RE2 rather than Python's re.
    assert _fast(records, 1000, 256) == profile_records(records)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(RECORDS)
def test_ndjson_and_json_readers_agree_fast_and_reference(records: list[dict[str, Any]]) -> None:
    ndjson = b"\n".join(orjson.dumps(r) for r in records)
    array = orjson.dumps(records)
    expected = profile_records(records)
    assert profile_bytes(ndjson, "ndjson", fast=True) == expected
    assert profile_bytes(ndjson, "ndjson", fast=False) == expected
    assert profile_bytes(array, "json", fast=True) == expected
    assert profile_bytes(array, "json", fast=False) == expected


CELLS = st.one_of(
    st.just(""),
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["true", "False", "TRUE", "yes", "1e5", "+3", "-.5", "007"]),
    ISO_TEXT,
    st.text(alphabet=st.characters(codec="utf-8"), max_size=10),
)


def _outcome(data: bytes, fast: bool) -> Any:
    """The profile, or the error's type and location: both paths must fail alike too."""
    try:
        return profile_bytes(data, "csv", fast=fast)
    except UnreadablePayloadError as exc:
        return type(exc), exc.line, exc.row


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(1, 4).flatmap(
        lambda n: st.lists(st.lists(CELLS, min_size=n, max_size=n), min_size=1, max_size=80)
    )
)
def test_csv_arrow_path_agrees_with_csv_module(rows: list[list[str]]) -> None:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([f"col{i}" for i in range(len(rows[0]))])
    writer.writerows(rows)
    data = out.getvalue().encode()
    assert _outcome(data, fast=True) == _outcome(data, fast=False)


# Mostly one class per column with rare stragglers of every other class: the Arrow path's
# first-cell guess must still find the stragglers, wherever they sit in the column.
STRAGGLERS = st.sampled_from(
    [
        *["", "x", "true", "FALSE", "12", "-7", "+3", "1.5", ".5", "1e5", "2024-01-31"],
        *["2024-02-30", "2024-01-31T10:20:30Z", "2024-01-31 10:20", "10.1.2.3", "evt-1"],
        *["0x1F", "nan", "٣"],
    ]
)
COLUMN_KINDS = st.sampled_from(
    [
        st.integers(0, 10**12).map(str),
        st.floats(0, 1e6, allow_nan=False).map(lambda f: f"{f:.2f}"),
        st.sampled_from(["true", "false"]),
        st.sampled_from(["2024-01-31T10:20:30Z", "2024-12-01T00:00:00.5+01:00"]),
        st.sampled_from(["2024-01-31", "2023-12-01"]),
        st.text(alphabet="abcdef0123456789", min_size=1, max_size=8),
        st.sampled_from(["Paris", "Frankfurt", "Tromsø", "ten"]),
    ]
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(COLUMN_KINDS, min_size=1, max_size=3).flatmap(
        lambda kinds: st.lists(
            st.tuples(*[st.one_of(kind, kind, kind, kind, STRAGGLERS) for kind in kinds]),
            min_size=50,
            max_size=400,
        )
    )
)
def test_csv_arrow_path_agrees_on_long_columns_with_stragglers(rows: list[tuple[str, ...]]) -> None:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([f"col{i}" for i in range(len(rows[0]))])
    writer.writerows(rows)
    data = out.getvalue().encode()
    assert _outcome(data, fast=True) == _outcome(data, fast=False)


# Long columns reach the column-wide paths (joined-string regexes, null filtering, objects
# split by width) that short ones skip; nulls, empties and the separator itself are mixed in.
NESTED = st.dictionaries(st.sampled_from(["k", "when"]), ISO_TEXT | st.none(), max_size=2)
FIELD_KINDS = st.sampled_from(
    [
        ISO_TEXT | st.none(),
        st.text(max_size=6) | st.none() | st.sampled_from(["", "\x1f", "2024-01-31\x1f"]),
        NESTED | st.none(),
        st.lists(ISO_TEXT | st.just(""), max_size=3) | st.none(),
        st.integers(-5, 5) | st.none(),
        VALUES,
    ]
)


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(FIELD_KINDS, min_size=1, max_size=4).flatmap(
        lambda kinds: st.lists(
            st.tuples(*[kind | st.just(KeyError) for kind in kinds]),  # KeyError: key left out
            min_size=20,
            max_size=300,
        )
    ),
    st.integers(0, 40),
    st.integers(16, 300),
)
def test_fast_walk_agrees_on_long_columns_past_the_sample_window(
    rows: list[tuple[Any, ...]], sample_window: int, batch: int
) -> None:
    records = [
        {f"f{i}": value for i, value in enumerate(row) if value is not KeyError} for row in rows
    ]
    assert _fast(records, sample_window, batch) == _reference(records, sample_window)


def _blocks_outcome(data: bytes, fast: bool, block_bytes: int, chunk: int) -> Any:
    """Profile through small blocks fed in small chunks, or the error's type and location."""
    builder = ProfileBuilder(sample_window=150)
    parser = CsvParser(builder, fast=fast, block_bytes=block_bytes)
    try:
        for start in range(0, len(data), chunk):
            parser.feed(data[start : start + chunk])
        parser.close()
    except UnreadablePayloadError as exc:
        return type(exc), exc.line, exc.row
    return builder.build()


# Rows long enough that each column's later cells are typed knowing its earlier classes;
# blank lines, rows of empty cells, short rows and line ends of every kind test the line
# and row counts carried from block to block, whichever path reads each block.
ODD_LINES = st.sampled_from(["", ",", "x", "\r", "1,2,3,4,5"])


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(COLUMN_KINDS, min_size=2, max_size=3).flatmap(
        lambda kinds: st.lists(
            st.tuples(
                *[st.one_of(kind, kind, kind, kind, kind, kind, STRAGGLERS) for kind in kinds]
            ),
            min_size=300,
            max_size=900,
        )
    ),
    st.sampled_from(["\n", "\r\n"]),
    st.lists(st.tuples(st.integers(0, 900), ODD_LINES), max_size=2),
    st.integers(512, 9_000),
    st.integers(97, 5_000),
)
def test_csv_blocks_agree_fast_and_reference_with_known_column_classes(
    rows: list[tuple[str, ...]],
    ending: str,
    odd: list[tuple[int, str]],
    block_bytes: int,
    chunk: int,
) -> None:
    lines = [",".join(row) for row in rows]
    for at, line in odd:
        lines.insert(min(at, len(lines)), line)
    header = ",".join(f"col{i}" for i in range(len(rows[0])))
    data = ending.join([header, *lines, ""]).encode()
    fast = _blocks_outcome(data, True, block_bytes, chunk)
    assert fast == _blocks_outcome(data, False, block_bytes, chunk)
    if not odd:
        assert fast == _blocks_outcome(data, False, 1 << 30, len(data))
