"""The fast path for CSV: column classes from the native scanner, or from Arrow text columns.

``add_scanned_rows`` takes what the native scanner found (the class bits and null count of
each column of a block). ``walk_csv_table`` types a block Arrow read as all-text columns
(the sample window, and blocks the scanner leaves to the general path): conflicting cells make
a union, never a conversion error. Cheap byte-level kernels settle most columns (empty cells,
first bytes that no typed class can start with, all-decimal cells); RE2 passes run only on
the cells left, one class per pass, with patterns that Python's ``re`` reads identically (see
``type_detection``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from driftgate.profiler.domain.field_walk import ROOT, PathStats, ProfileBuilder
from driftgate.profiler.domain.type_detection import (
    BOOLEAN_PATTERN,
    DATE_PATTERN,
    INTEGER_PATTERN,
    NUMBER_PATTERN,
    TIME_PATTERN,
    csv_cell_type,
)

_DATE_LENGTH: Final = 10
_MINUTE_END: Final = 16
"""Length of ``YYYY-MM-DDThh:mm``."""
_AFTER_MINUTES: Final = pa.array([ord(c) for c in ":Zz+-"], pa.uint8())
_ISO_RE2: Final = f"^{DATE_PATTERN}(?:[Tt ]{TIME_PATTERN})?$"
_CSV_CLASS_RE2: Final = {
    "integer": f"^{INTEGER_PATTERN}$",
    # Numbers that are not integers: integers stay behind for the next pass.
    "number": r"^[+-]?(?:(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+)$",
    "date": _ISO_RE2,
    "timestamp": _ISO_RE2,
    # A cell that looks like a string: find the cells of any other class.
    "string": f"^(?:{NUMBER_PATTERN}|{BOOLEAN_PATTERN}|{DATE_PATTERN}(?:[Tt ]{TIME_PATTERN})?)$",
}
_BOOLEANS: Final = pa.array(BOOLEAN_PATTERN.split("|"))
_CANDIDATE_CHARS: Final = "0123456789+-.tTfF"
"""The characters a cell of any class but string can start with."""
_CANDIDATE_BYTE: Final = pa.array([chr(b) in _CANDIDATE_CHARS for b in range(256)])
_NUMERIC_START_BYTE: Final = pa.array([chr(b) in "0123456789+-." for b in range(256)])
_SIGN_BYTE: Final = pa.array([chr(b) in "+-" for b in range(256)])
_BOOLEAN_START_BYTE: Final = pa.array([chr(b) in "tTfF" for b in range(256)])
_CLASSES: Final = frozenset({"integer", "number", "boolean", "date", "timestamp", "string"})
_NULL: Final = frozenset({"null"})
_HEAD_ROWS: Final = 256
"""Rows typed first in a column of unknown classes, to pick the tests for the rest."""


# The class bits of the native scanner (services/profiler/native/csv_scan.c).
_SCANNED_CLASSES: Final = (
    (1, "null"),
    (2, "integer"),
    (4, "number"),
    (8, "boolean"),
    (16, "date"),
    (32, "timestamp"),
    (64, "string"),
)


def add_scanned_rows(
    builder: ProfileBuilder,
    header: Sequence[str],
    rows: int,
    masks: Sequence[int],
    nulls: Sequence[int],
) -> None:
    """Add rows the native scanner typed: per column, the class bits found and the null count."""
    if rows == 0:
        return
    builder.record_count += rows
    builder.count_objects(ROOT, rows)
    for name, mask, n_null in zip(header, masks, nulls, strict=True):
        st = builder.stats(name, ROOT)
        st.present += rows
        st.nulls += n_null
        st.types.update(type_name for bit, type_name in _SCANNED_CLASSES if mask & bit)


def walk_csv_table(builder: ProfileBuilder, header: Sequence[str], table: Any) -> None:
    """Add a block of CSV rows read by Arrow as text columns (empty cells null), one per name."""
    rows = table.num_rows
    if rows == 0:
        return
    window_left = min(rows, builder.sample_window - builder.record_count)
    builder.record_count += rows
    builder.count_objects(ROOT, rows)
    for name, column in zip(header, table.columns, strict=True):
        st = builder.stats(name, ROOT)
        st.present += rows
        if window_left > 0:
            st.pool.update(column.slice(0, window_left).drop_null().unique().to_pylist())
        for chunk in column.chunks:
            rest = chunk
            if st.types <= _NULL and len(chunk) > _HEAD_ROWS:
                # Learn the column's classes on a few rows: the rest then only looks for others.
                _type_csv_chunk(st, chunk.slice(0, _HEAD_ROWS))
                rest = chunk.slice(_HEAD_ROWS)
            _type_csv_chunk(st, rest)


def _type_csv_chunk(st: PathStats, cells: Any) -> None:
    """Type one Arrow string array of CSV cells (null for an empty cell)."""
    total = len(cells)
    nulls = cells.null_count
    if nulls:
        st.nulls += nulls
        st.types.add("null")
        if nulls == total:
            return
        cells = cells.drop_null()
    if st.types >= _CLASSES:
        return
    known = st.types - _NULL
    if not known:
        st.types.update(_all_types(cells))
    elif "string" in known:
        st.types.update(_new_types_among_strings(cells, known))
    else:
        st.types.update(_new_types_among_typed(cells, known))


def _all_types(cells: Any) -> set[str]:
    """Every class among non-empty cells: cheap byte tests first, RE2 only if needed."""
    if cells[0].as_py()[0] in _CANDIDATE_CHARS:
        # Likely a typed column: its RE2 pass (usually one) settles strings too.
        return _candidate_types(cells)
    # Every typed class starts with a digit, sign, dot or boolean letter: the rest are strings.
    candidate = pc.take(_CANDIDATE_BYTE, _first_bytes(cells))
    n_candidates = candidate.true_count
    found = {"string"} if n_candidates < len(cells) else set()
    if n_candidates:
        found.update(_candidate_types(pc.filter(cells, candidate)))
    return found


def _new_types_among_strings(cells: Any, known: set[str]) -> set[str]:
    """The classes of non-empty cells, at least those not in ``known`` (which has string).

    Cells that cannot be of a class still missing are left alone: most columns of text need
    no more than the first-byte test.
    """
    candidate = pc.take(_CANDIDATE_BYTE, _first_bytes(cells))
    n_candidates = candidate.true_count
    if n_candidates == 0:
        return set()
    if n_candidates < len(cells):
        cells = pc.filter(cells, candidate)
    found: set[str] = set()
    missing = set(_CLASSES - known)
    if "integer" in missing and pc.ascii_is_decimal(cells).true_count:
        found.add("integer")
        missing.discard("integer")
    if not missing:
        return found
    first = _first_bytes(cells)
    lengths = pc.binary_length(cells)
    masks = []
    if missing & {"integer", "number"}:
        numeric = pc.take(_NUMERIC_START_BYTE, first)
        if "number" in missing:
            # A number holds one dot at most; versions and addresses hold more.
            masks.append(pc.and_(numeric, pc.less_equal(pc.count_substring(cells, "."), 1)))
        else:
            masks.append(pc.and_(numeric, pc.take(_SIGN_BYTE, first)))
    if "boolean" in missing:
        short = pc.and_(pc.greater_equal(lengths, 4), pc.less_equal(lengths, 5))
        masks.append(pc.and_(pc.take(_BOOLEAN_START_BYTE, first), short))
    if missing & {"date", "timestamp"}:
        long = pc.greater_equal(lengths, _DATE_LENGTH)
        if long.true_count:
            dashed = pc.equal(_bytes_at(cells, 4, clip=True), ord("-"))
            masks.append(pc.and_(long, dashed))
    if not masks:
        return found
    maybe = masks[0]
    for mask in masks[1:]:
        maybe = pc.or_(maybe, mask)
    n_maybe = maybe.true_count
    if n_maybe:
        found.update(_candidate_types(pc.filter(cells, maybe) if n_maybe < len(cells) else cells))
    return found


def _new_types_among_typed(cells: Any, known: set[str]) -> set[str]:
    """The classes of non-empty cells, at least those not in ``known`` (typed classes only).

    A column keeps its class block after block: one cast or byte test usually confirms it.
    """
    decimal = pc.ascii_is_decimal(cells)
    n_decimal = decimal.true_count
    if n_decimal == len(cells):
        return {"integer"}
    if n_decimal == 0:
        if "timestamp" in known and all_timestamps_by_cast(cells):
            return {"timestamp"}
        if "date" in known and _all_dates_by_cast(cells):
            return {"date"}
        if "boolean" in known and pc.is_in(cells, value_set=_BOOLEANS).true_count == len(cells):
            return {"boolean"}
    if known & {"integer", "number"}:
        settled = _known_numbers_by_cast(cells, n_decimal, known)
        if settled is not None:
            return settled
    return _all_types(cells)


def _known_numbers_by_cast(cells: Any, n_decimal: int, known: set[str]) -> set[str] | None:
    """When every cell is a finite float to Arrow: integer and/or number, without RE2.

    Arrow's finite floats are integers or numbers to us (a property test holds it to that);
    all-digit cells are integers, and so are signed cells without a dot or an exponent. With
    both classes known, nothing new is left to find; otherwise None leaves it to the rest.
    """
    if not _all_finite_floats(cells):
        return None
    found = {"integer"} if n_decimal else set()
    if "integer" in known:
        return found if "number" in known else None
    # Only signed cells may be integers among the other finite floats.
    if pc.take(_SIGN_BYTE, _first_bytes(cells)).true_count:
        return None
    return found | ({"number"} if n_decimal < len(cells) else set())


def _all_finite_floats(cells: Any) -> bool:
    """True when Arrow reads every cell as a finite float (nan and inf are not numbers to us)."""
    try:
        floats = pc.cast(cells, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    return bool(pc.is_finite(floats).true_count == len(cells))


def _first_bytes(cells: Any) -> Any:
    """The first byte of each cell, as uint8 (a zero-copy view plus one ``take``)."""
    _, offsets, data = cells.buffers()
    starts = pa.Array.from_buffers(pa.int32(), len(cells), [None, offsets], offset=cells.offset)
    if data is None or data.size == 0:
        return pa.nulls(len(cells), pa.uint8()).fill_null(0)
    # An empty last cell starts at the end of the data: clip (empty cells are masked anyway).
    starts = pc.min_element_wise(starts, data.size - 1)
    return pc.take(pa.Array.from_buffers(pa.uint8(), data.size, [None, data]), starts)


def _candidate_types(cells: Any) -> set[str]:
    """Type non-empty cells that may be typed, one class per pass (usually a single pass).

    Each pass guesses the class of the first remaining cell with the reference rules and
    removes every cell of that class, so a column of one class costs one pass.
    """
    found: set[str] = set()
    while len(cells):
        decimal = pc.ascii_is_decimal(cells)
        n_decimal = decimal.true_count
        if n_decimal == len(cells):
            found.add("integer")
            return found
        guess = csv_cell_type(cells[0].as_py())
        if guess in ("integer", "number"):
            settled = _numbers_by_cast(cells, decimal, n_decimal)
            if settled is not None:
                found.update(settled[0])
                cells = settled[1]
                continue
        if guess == "date" and _all_dates_by_cast(cells):
            found.add("date")
            return found
        if guess == "timestamp" and all_timestamps_by_cast(cells):
            found.add("timestamp")
            return found
        if guess == "boolean":  # six exact spellings: a hash lookup beats RE2 several times
            matched = pc.is_in(cells, value_set=_BOOLEANS)
        else:
            matched = pc.match_substring_regex(cells, _CSV_CLASS_RE2[guess])
        n = matched.true_count
        if n == 0 and guess != "string":
            # RE2 and re disagree on this cell (they should not): let the reference rules decide.
            found.update(map(csv_cell_type, cells.to_pylist()))
            return found
        if guess == "string":
            if n < len(cells):
                found.add("string")
            cells = pc.filter(cells, matched)
            continue
        if guess in ("date", "timestamp"):
            found.update(_iso_split(cells, matched, n))
        else:
            found.add(guess)
        cells = pc.filter(cells, pc.invert(matched)) if n < len(cells) else cells[:0]
    return found


def _numbers_by_cast(cells: Any, decimal: Any, n_decimal: int) -> tuple[set[str], Any] | None:
    """Settle integer/number cells without RE2, when Arrow reads every cell as a finite float.

    Arrow's finite floats are a subset of our numbers (a property test holds it to that);
    among them, all-digit cells are integers and cells with a dot are not. Returns the types
    found and the cells left unsettled (signs, exponents), or None to leave it all to RE2.
    """
    if not _all_finite_floats(cells):
        return None
    dotted = pc.match_substring(cells, ".")
    n_dotted = dotted.true_count
    if n_decimal + n_dotted == 0:
        return None
    found = set()
    if n_decimal:
        found.add("integer")
    if n_dotted:
        found.add("number")
    if n_decimal + n_dotted == len(cells):
        return found, cells[:0]
    return found, pc.filter(cells, pc.invert(pc.or_(decimal, dotted)))


def _all_dates_by_cast(cells: Any) -> bool:
    """True when Arrow reads every cell as a calendar date written in exactly ten characters.

    Those are a subset of our dates (a property test holds it to that); False settles
    nothing, and RE2 decides.
    """
    try:
        pc.cast(cells, pa.date32())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    return bool(pc.equal(pc.binary_length(cells), _DATE_LENGTH).true_count == len(cells))


def all_timestamps_by_cast(cells: Any) -> bool:
    """True when Arrow reads every cell as a timestamp written ``YYYY-MM-DD?hh:mm[(:|zone)...]``.

    Arrow also reads forms we do not (an hour alone, ``hhmm``); the colon after the hour and
    the character after the minutes rule those out. What is left is a subset of our
    timestamps (a property test holds it to that); False settles nothing, and RE2 decides.
    """
    lengths = pc.binary_length(cells)
    if pc.less(lengths, _MINUTE_END).true_count:
        return False
    if pc.equal(_bytes_at(cells, _MINUTE_END - 3), ord(":")).true_count != len(cells):
        return False
    longer = pc.greater(lengths, _MINUTE_END)
    if longer.true_count:
        after = pc.filter(_bytes_at(cells, _MINUTE_END, clip=True), longer)
        if pc.is_in(after, value_set=_AFTER_MINUTES).true_count != len(after):
            return False
    for unit in (pa.timestamp("ns", tz="UTC"), pa.timestamp("ns")):
        try:
            pc.cast(cells, unit)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
        return True
    return False


def _bytes_at(cells: Any, index: int, *, clip: bool = False) -> Any:
    """Byte ``index`` of each cell as uint8; with ``clip``, short cells give some other byte."""
    _, offsets, data = cells.buffers()
    starts = pa.Array.from_buffers(pa.int32(), len(cells), [None, offsets], offset=cells.offset)
    at = pc.add(starts, index)
    if clip:
        at = pc.min_element_wise(at, data.size - 1)
    return pc.take(pa.Array.from_buffers(pa.uint8(), data.size, [None, data]), at)


def _iso_split(cells: Any, iso: Any, n_iso: int) -> set[str]:
    """date and/or timestamp among the ``n_iso`` cells flagged by ``iso``."""
    n_dates = pc.and_(iso, pc.equal(pc.binary_length(cells), _DATE_LENGTH)).true_count
    found = set()
    if n_dates:
        found.add("date")
    if n_dates < n_iso:
        found.add("timestamp")
    return found
