"""The native typing modules must class every cell, string and block as the reference rules do."""

import csv
import io
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from driftgate.profiler import _csv_scan, _json_strings
from driftgate.profiler.domain.field_walk import ProfileBuilder
from driftgate.profiler.domain.type_detection import csv_cell_type, string_type
from driftgate.profiler.errors import UnreadablePayloadError
from driftgate.profiler.readers.csv_rows import CsvParser

BITS = {
    1: "null",
    2: "integer",
    4: "number",
    8: "boolean",
    16: "date",
    32: "timestamp",
    64: "string",
}
# Cells built from the pieces of every class, so near misses are as common as matches.
PIECES = st.sampled_from(
    [
        *"0123456789",
        *"+-.eE:TtZz ,",
        *["20", "24", "60", "61", "-0", "-1", "-3", "1-", "T1"],
        *["2024-01-31", "2024-13-01", "2024-02-30", "10:20", "23:59", "24:00", "10:20:60"],
        *["+05:30", "true", "True", "TRUE", "tRUE", "false", "FALSE", "x", "é", "٣", "\x00", '"'],
        *["\n", "\r\n", "\r"],  # quoted by the writer: rows that span lines
    ]
)
# Every class's shape with random digits and separators: out-of-range fields (month 13, hour
# 24, second 61, zone +24) and near misses come up all the time.
NEAR_NUMBERS = st.from_regex(r"[+-]?[0-9]{0,3}\.?[0-9]{0,3}([eE][+-]?[0-9]{0,2})?", fullmatch=True)
TWO = st.integers(0, 99).map("{:02d}".format)
NEAR_ISO = st.builds(
    "{}-{}-{}{}".format,
    st.sampled_from(["2024", "1999", "0000", "20x4"]),
    st.integers(0, 13).map("{:02d}".format) | TWO,
    st.integers(0, 32).map("{:02d}".format) | TWO,
    st.just("")
    | st.builds(
        "{}{}:{}{}{}".format,
        st.sampled_from(["T", "t", " ", "x"]),
        st.integers(0, 25).map("{:02d}".format) | st.just("7"),
        st.integers(0, 61).map("{:02d}".format),
        st.just("")
        | st.builds(
            ":{}{}".format,
            st.integers(0, 62).map("{:02d}".format),
            st.sampled_from(["", ".", ".5", ",25", ".x"]),
        ),
        st.sampled_from(["", "Z", "z", "Zz", "+05", "-0530", "+05:30", "+24", "+05:3", "+05:60"]),
    ),
)
CELLS = (
    st.lists(PIECES, max_size=6).map("".join)
    | NEAR_NUMBERS
    | NEAR_ISO
    | st.sampled_from(["true", "false", "True", "FALSE", "TRUE", "False", "truE", "fals"])
    | st.text(max_size=12)
)


@settings(max_examples=3000)
@given(CELLS)
def test_a_cell_is_classed_as_the_reference_rules_class_it(cell: str) -> None:
    data = cell.encode("utf-8", "surrogatepass")
    assert BITS[_csv_scan.classify(data)] == csv_cell_type(cell)


def _outcome(data: bytes, *, fast: bool, chunk: int) -> Any:
    """The profile with no sample window (so the scanner types every block), or the error."""
    builder = ProfileBuilder(sample_window=0)
    parser = CsvParser(builder, fast=fast, block_bytes=48)
    try:
        for start in range(0, len(data), chunk):
            parser.feed(data[start : start + chunk])
        parser.close()
    except UnreadablePayloadError as exc:
        return type(exc), exc.line, exc.row
    return builder.build()


ODD_LINES = st.sampled_from(["", "\r", " ", ",", "1,2,3,4", '"open', 'a"b', '"a"b,1', "\x00"])


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(1, 4).flatmap(
        lambda n: st.lists(
            st.lists(CELLS, min_size=n, max_size=n).map(lambda cells: ("row", cells))
            | ODD_LINES.map(lambda line: ("odd", [line])),
            min_size=1,
            max_size=60,
        )
    ),
    st.sampled_from(["\n", "\r\n"]),
    st.integers(1, 300),
)
def test_blocks_scanned_natively_profile_as_the_csv_module_reads_them(
    rows: list[tuple[str, list[str]]], newline: str, chunk: int
) -> None:
    width = max((len(cells) for kind, cells in rows if kind == "row"), default=1)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator=newline)
    writer.writerow([f"col{i}" for i in range(width)])
    for kind, cells in rows:
        if kind == "row":
            writer.writerow(cells)
        else:
            out.write(cells[0] + newline)
    data = out.getvalue().encode("utf-8", "surrogatepass")
    assert _outcome(data, fast=True, chunk=chunk) == _outcome(data, fast=False, chunk=chunk)


def test_plain_rows_are_typed_in_one_pass_and_odd_ones_left_to_the_general_path() -> None:
    rows, newlines, consumed, masks, nulls = _csv_scan.scan(b'a,"x""y",\r\n1,,3\n', 3, 100) or (
        0,
        0,
        0,
        (),
        (),
    )
    assert (rows, newlines, consumed) == (2, 2, 16)
    assert [{BITS[b] for b in BITS if m & b} for m in masks] == [
        {"string", "integer"},
        {"string", "null"},
        {"null", "integer"},
    ]
    assert nulls == (0, 1, 1)
    assert _csv_scan.scan(b'a,"b"c,d\n', 3, 100) is None  # text after a closing quote
    assert _csv_scan.scan(b"a,b\n", 3, 100) is None  # narrower than the header
    assert _csv_scan.scan(b"1,2\r3,4\n", 2, 100) is None  # a lone carriage return
    assert _csv_scan.scan(b"1,\xff\n", 2, 100) is None  # invalid UTF-8
    assert _csv_scan.scan(b"1,2\n3,4\n5,6\n", 2, 2) == (2, 2, 8, (2, 2), (0, 0))


def _one_field_off(template: dict[str, str], choices: dict[str, list[str]]) -> list[str]:
    """Every cell that changes one field of ``template`` to one of its boundary values."""
    cells = []
    for field, values in choices.items():
        for value in values:
            parts = {**template, field.removesuffix("_more"): value}
            cells.append("{Y}-{M}-{D}{sep}{h}:{m}{s}{frac}{zone}".format(**parts))
            cells.append("{Y}-{M}-{D}".format(**parts))
    return cells


def test_every_field_boundary_of_dates_and_timestamps_is_classed_as_the_reference() -> None:
    template = {"Y": "2024", "M": "01", "D": "31", "sep": "T", "h": "10", "m": "20"}
    template |= {"s": ":30", "frac": ".5", "zone": "Z"}
    choices = {
        "Y": ["0000", "9999", "202", "20245", "2O24"],
        "M": ["00", "01", "09", "10", "12", "13", "1", "0a"],
        "D": ["00", "01", "09", "10", "19", "20", "29", "30", "31", "32", "39", "3"],
        "sep": ["T", "t", " ", "x", "", "TT"],
        "h": ["00", "09", "19", "20", "23", "24", "29", "7", "1a"],
        "m": ["00", "59", "60", "5", "5x"],
        "s": ["", ":00", ":59", ":60", ":61", ":69", ":6", ":"],
        "frac": ["", ".", ",", ".0", ",123", ".x"],
        "zone": ["", "Z", "z", "ZZ", "+00", "-23", "+24", "+05:30", "+0530", "+05:60"],
        "zone_more": ["+05:3", "+05:"],
    }
    cells = _one_field_off(template, choices)
    assert len(cells) > 100
    for cell in cells:
        assert BITS[_csv_scan.classify(cell.encode())] == csv_cell_type(cell), cell


@settings(max_examples=2000)
@given(NEAR_NUMBERS)
def test_number_shapes_are_classed_as_the_reference(cell: str) -> None:
    assert BITS[_csv_scan.classify(cell.encode())] == csv_cell_type(cell)


@settings(max_examples=3000)
@given(st.lists(CELLS | NEAR_ISO, min_size=1, max_size=3))
def test_a_json_string_column_is_classed_as_the_reference_classes_its_strings(
    strings: list[str],
) -> None:
    classes = _json_strings.string_classes(strings)
    assert classes is not None
    assert {BITS[bit] for bit in BITS if classes & bit} == set(map(string_type, strings))


def test_json_string_typing_refuses_a_column_that_is_not_all_strings() -> None:
    assert _json_strings.string_classes(["2024-01-31", 1]) is None
    assert _json_strings.string_classes(["x", None]) is None
    assert _json_strings.string_classes([]) == 0
    for cell in _one_field_off(
        {"Y": "2024", "M": "01", "D": "31", "sep": "T", "h": "10", "m": "20"}
        | {"s": ":30", "frac": ".5", "zone": "Z"},
        {"s": ["", ":60", ":61"], "zone": ["", "+24", "+05:30", "z"], "M": ["00", "12", "13"]},
    ):
        classes = _json_strings.string_classes([cell])
        assert classes is not None
        assert {BITS[bit] for bit in BITS if classes & bit} == {string_type(cell)}, cell


@settings(max_examples=2000)
@given(
    st.binary(max_size=200) | st.lists(PIECES, max_size=30).map("".join).map(str.encode),
    st.integers(1, 5),
    st.integers(0, 10),
)
def test_any_bytes_give_a_consistent_answer_or_a_refusal(
    data: bytes, columns: int, max_rows: int
) -> None:
    result = _csv_scan.scan(data, columns, max_rows)
    if result is None:
        return
    rows, newlines, consumed, masks, nulls = result
    assert 0 <= rows <= max_rows
    assert 0 <= consumed <= len(data)
    assert newlines == data[:consumed].count(b"\n")
    assert len(masks) == len(nulls) == columns
    for mask, n_null in zip(masks, nulls, strict=True):
        assert 0 <= n_null <= rows
        assert (mask == 0) == (rows == 0)
        assert bool(mask & 1) == (n_null > 0)


@settings(max_examples=500)
@given(st.lists(CELLS | NEAR_ISO | st.none(), max_size=40), st.integers(0, 5))
def test_an_arrow_text_column_is_classed_as_its_cells(cells: list[str | None], skip: int) -> None:
    array = pa.array(cells, pa.string())[skip:]  # sliced: a non-zero offset
    validity, offsets, data = array.buffers()
    mask, nulls = _csv_scan.column_classes(data, offsets, validity, array.offset, len(array))
    rest = cells[skip:]
    expected = {"null" if cell is None else csv_cell_type(cell) for cell in rest}
    assert {BITS[bit] for bit in BITS if mask & bit} == expected
    assert nulls == sum(1 for cell in rest if cell is None or cell == "")


def test_column_classes_refuses_offsets_outside_its_buffers() -> None:
    array = pa.array(["1", "x"], pa.string())
    validity, offsets, data = array.buffers()
    with pytest.raises(ValueError, match="do not fit"):
        _csv_scan.column_classes(data, offsets, validity, 1, 5)
