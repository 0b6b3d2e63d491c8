"""The fast path: the same profile as the reference walk, computed a column at a time.

A batch of decoded records is transposed per object shape (``zip(*values)`` runs in C), each
column's types are counted with one ``Counter(map(type, ...))`` and strings are typed with
one vectorised RE2 pass in Arrow. CSV blocks are split by Arrow's CSV reader with every
column read as text, then typed with the same patterns, so conflicting cells make a union,
never a conversion error. Whatever Arrow refuses falls back to the reference walk.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import chain
from typing import Any, Final

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from driftgate.profiler.domain.field_walk import (
    ROOT,
    PathStats,
    ProfileBuilder,
    child_path,
    element_path,
)
from driftgate.profiler.domain.type_detection import (
    BOOLEAN_PATTERN,
    DATE_PATTERN,
    INTEGER_PATTERN,
    NUMBER_PATTERN,
    SCALAR_TYPE_NAMES,
    TIME_PATTERN,
    csv_cell_type,
    render_sample,
    string_type,
)

# Below this many strings Arrow's per-call overhead outweighs the per-value regex.
_VECTOR_MIN: Final = 48
_NONE: Final = type(None)
_DATE_LENGTH: Final = 10
_ISO_RE2: Final = f"^{DATE_PATTERN}(?:[Tt ]{TIME_PATTERN})?$"
_CSV_CLASS_RE2: Final = {
    "integer": f"^{INTEGER_PATTERN}$",
    # Numbers that are not integers: integers stay behind for the next pass.
    "number": r"^[+-]?(?:(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+)$",
    "boolean": f"^(?:{BOOLEAN_PATTERN})$",
    "date": _ISO_RE2,
    "timestamp": _ISO_RE2,
    # A cell that looks like a string: find the cells of any other class.
    "string": f"^(?:{NUMBER_PATTERN}|{BOOLEAN_PATTERN}|{DATE_PATTERN}(?:[Tt ]{TIME_PATTERN})?)$",
}
_CANDIDATE_BYTE: Final = pa.array([chr(b) in "0123456789+-.tTfF" for b in range(256)])


def walk_records(builder: ProfileBuilder, records: Sequence[dict[str, Any]]) -> None:
    """Add a batch of decoded JSON objects, split where the sampling window ends."""
    window_left = builder.sample_window - builder.record_count
    if 0 < window_left < len(records):
        walk_records(builder, records[:window_left])
        walk_records(builder, records[window_left:])
        return
    sampling = builder.sampling
    builder.record_count += len(records)
    builder.count_objects(ROOT, len(records))
    _walk_objects(builder, ROOT, records, sampling)


def _walk_objects(
    builder: ProfileBuilder, prefix: str, objects: Sequence[dict[str, Any]], sampling: bool
) -> None:
    shapes = list(map(tuple, objects))
    if shapes and shapes.count(shapes[0]) == len(shapes):
        groups: Iterable[tuple[tuple[str, ...], Sequence[dict[str, Any]]]] = [(shapes[0], objects)]
    else:
        by_shape: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for shape, obj in zip(shapes, objects, strict=True):
            group = by_shape.get(shape)
            if group is None:
                by_shape[shape] = [obj]
            else:
                group.append(obj)
        groups = by_shape.items()
    columns: dict[str, list[Sequence[Any]]] = {}
    for keys, members in groups:
        for key, column in zip(keys, zip(*map(dict.values, members), strict=True), strict=True):
            columns.setdefault(key, []).append(column)
    for key, parts in columns.items():
        values = parts[0] if len(parts) == 1 else list(chain.from_iterable(parts))
        _walk_column(builder, child_path(prefix, key), prefix, values, sampling)


def _walk_column(
    builder: ProfileBuilder,
    path: str,
    parent: str | None,
    values: Sequence[Any],
    sampling: bool,
) -> None:
    st = builder.stats(path, parent)
    st.present += len(values)
    by_type = Counter(map(type, values))
    for kind, count in by_type.items():
        same: Sequence[Any] = (
            values if count == len(values) else [v for v in values if type(v) is kind]
        )
        if kind is str:
            st.types.update(_string_types(same))
            if sampling:
                st.pool.update(same)
            continue
        name = SCALAR_TYPE_NAMES.get(kind)
        if name is None:
            raise TypeError(f"not a JSON value: {kind.__name__}")
        st.types.add(name)
        if kind is _NONE:
            st.nulls += count
        elif kind is dict:
            builder.count_objects(path, count)
            _walk_objects(builder, path, same, sampling)
        elif kind is list:
            elements = list(chain.from_iterable(same))
            if elements:
                _walk_column(builder, element_path(path), None, elements, sampling)
        elif sampling:
            st.pool.update(map(render_sample, same))


def _string_types(strings: Sequence[str]) -> set[str]:
    if len(strings) < _VECTOR_MIN:
        return set(map(string_type, strings))
    return _iso_types(pa.array(strings, type=pa.string()), len(strings))


def _iso_types(texts: Any, total: int) -> set[str]:
    """string/date/timestamp present among ``total`` non-null Arrow strings."""
    iso = pc.match_substring_regex(texts, _ISO_RE2)
    n_iso = pc.sum(iso).as_py() or 0
    found: set[str] = set()
    if n_iso < total:
        found.add("string")
    if n_iso:
        n_dates = pc.sum(pc.and_(iso, pc.equal(pc.utf8_length(texts), _DATE_LENGTH))).as_py()
        if n_dates:
            found.add("date")
        if n_dates < n_iso:
            found.add("timestamp")
    return found


def walk_csv_table(builder: ProfileBuilder, header: Sequence[str], table: Any) -> None:
    """Add a block of CSV rows read by Arrow as all-text columns (one per header name)."""
    rows = table.num_rows
    window_left = builder.sample_window - builder.record_count
    if 0 < window_left < rows:
        walk_csv_table(builder, header, table.slice(0, window_left))
        walk_csv_table(builder, header, table.slice(window_left))
        return
    sampling = builder.sampling
    builder.record_count += rows
    builder.count_objects(ROOT, rows)
    for name, column in zip(header, table.columns, strict=True):
        st = builder.stats(name, ROOT)
        st.present += rows
        for chunk in column.chunks:
            _type_csv_chunk(st, chunk, sampling)


def _type_csv_chunk(st: PathStats, cells: Any, sampling: bool) -> None:
    """Type one Arrow string array of CSV cells: cheap byte tests first, RE2 only if needed."""
    total = len(cells)
    if total == 0:
        return
    empty = pc.equal(pc.binary_length(cells), 0)
    n_null = empty.true_count
    if n_null:
        st.nulls += n_null
        st.types.add("null")
        if n_null == total:
            return
    # Every typed class starts with a digit, sign, dot or boolean letter: the rest are strings.
    candidate = pc.take(_CANDIDATE_BYTE, _first_bytes(cells))
    if n_null:
        candidate = pc.and_not(candidate, empty)
    n_candidates = candidate.true_count
    if n_candidates < total - n_null:
        st.types.add("string")
    if sampling:
        filled = pc.filter(cells, pc.invert(empty)) if n_null else cells
        st.pool.update(pc.unique(filled).to_pylist())
    if n_candidates:
        typed = cells if n_candidates == total else pc.filter(cells, candidate)
        st.types.update(_candidate_types(typed))


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
        n_decimal = pc.ascii_is_decimal(cells).true_count
        if n_decimal == len(cells):
            found.add("integer")
            return found
        guess = csv_cell_type(cells[0].as_py())
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


def _iso_split(cells: Any, iso: Any, n_iso: int) -> set[str]:
    """date and/or timestamp among the ``n_iso`` cells flagged by ``iso``."""
    n_dates = pc.and_(iso, pc.equal(pc.binary_length(cells), _DATE_LENGTH)).true_count
    found = set()
    if n_dates:
        found.add("date")
    if n_dates < n_iso:
        found.add("timestamp")
    return found
