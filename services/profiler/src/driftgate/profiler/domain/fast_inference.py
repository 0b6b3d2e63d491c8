"""The fast path for JSON records: the same profile as the reference walk, a column at a time.

Objects of one shape (usually all of a batch, else split by width in C) are read a column
at a time with ``map(itemgetter(key), ...)`` and each column is typed with one
``set(map(type, ...))``. Columns of numbers, booleans and nulls end there; strings are typed
by a few regex searches over the whole column joined with a separator; objects and arrays
recurse a column at a time. Per-value Python code runs only while samples are taken (the
first ``sample_window`` records) and on columns of several non-null types. Batches are kept
small by the readers, so their objects are still in the CPU cache when walked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import chain, compress
from operator import itemgetter
from typing import Any, Final

from driftgate.profiler.domain.field_walk import (
    ROOT,
    PathStats,
    ProfileBuilder,
    child_path,
    element_path,
)
from driftgate.profiler.domain.type_detection import (
    DATE_PATTERN,
    SCALAR_TYPE_NAMES,
    TIME_PATTERN,
    render_sample,
    string_type,
)

_NONE: Final = type(None)
_FILTERABLE: Final = (str, dict, list)
"""Kinds whose empty values are the only falsy ones, so ``filter(None, ...)`` drops nulls."""
# Strings are joined with this separator: it must not occur in them (checked by counting).
_SEP: Final = "\x1f"
_JOIN_MIN: Final = 16
_MAX_WIDTHS: Final = 4
_PLAIN_KINDS: Final = frozenset((int, float, bool, _NONE))
_DATE_LENGTH: Final = 10
_ISO: Final = f"{DATE_PATTERN}(?:[Tt ]{TIME_PATTERN})?"
_ANY_ISO_ITEM: Final = re.compile(f"{_SEP}{_ISO}(?={_SEP})")
_DATE_ITEM: Final = re.compile(f"{_SEP}{DATE_PATTERN}(?={_SEP})")
_TIMESTAMP_ITEM: Final = re.compile(f"{_SEP}{DATE_PATTERN}[Tt ]{TIME_PATTERN}(?={_SEP})")
_ALL_DATES: Final = re.compile(f"(?:{_SEP}{DATE_PATTERN})*{_SEP}")
_ALL_TIMESTAMPS: Final = re.compile(f"(?:{_SEP}{DATE_PATTERN}[Tt ]{TIME_PATTERN})*{_SEP}")
# An item (a separator with another one further on) that is not a whole date or timestamp.
_NON_ISO_ITEM: Final = re.compile(f"{_SEP}(?!{_ISO}{_SEP})(?=[^{_SEP}]*{_SEP})")


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
    if not objects:
        return
    widths = list(map(len, objects))
    if widths.count(widths[0]) == len(widths):
        groups: list[Sequence[dict[str, Any]]] = [objects]
    else:
        distinct = set(widths)
        if len(distinct) > _MAX_WIDTHS:
            _walk_by_shape(builder, prefix, objects, sampling)
            return
        # Optional keys usually change the width: split by width in C, each part likely uniform.
        groups = [list(compress(objects, map(width.__eq__, widths))) for width in distinct]
    for group in groups:
        uniform = _same_width_columns(group)
        if uniform is None:
            _walk_by_shape(builder, prefix, group, sampling)
        else:
            _walk_uniform_objects(builder, prefix, uniform, sampling)


def _same_width_columns(objects: Sequence[dict[str, Any]]) -> list[tuple[str, list[Any]]] | None:
    """Key → values for objects of one width when they share their keys, else None.

    Equal widths and every key of the first object present in all mean equal key sets; each
    column is then one ``map(itemgetter(key), ...)`` pass in C.
    """
    try:
        return [(name, list(map(itemgetter(name), objects))) for name in objects[0]]
    except KeyError:
        return None


def _walk_by_shape(
    builder: ProfileBuilder, prefix: str, objects: Sequence[dict[str, Any]], sampling: bool
) -> None:
    for key, values in _columns_by_shape(objects):
        _walk_column(builder, child_path(prefix, key), prefix, values, sampling)


def _walk_uniform_objects(
    builder: ProfileBuilder, prefix: str, columns: list[tuple[str, list[Any]]], sampling: bool
) -> None:
    """Walk the columns of uniform objects; plain columns stop at their types."""
    for name, values in columns:
        path = child_path(prefix, name)
        if not sampling and type(values[0]) is str and len(values) >= _JOIN_MIN:
            # Joining succeeds only if every value is a string: one C pass both checks the
            # column's kind and builds the text its types are read from.
            joined = _joined(values)
            if joined is not None:
                st = builder.stats(path, prefix)
                st.present += len(values)
                st.types.update(_joined_string_types(joined, values))
                continue
        kinds = set(map(type, values))
        if sampling or not kinds <= _PLAIN_KINDS:
            _walk_column(builder, path, prefix, values, sampling, kinds=kinds)
            continue
        # Numbers, booleans and nulls only: their types and the null count are all we need.
        st = builder.stats(path, prefix)
        st.present += len(values)
        for kind in kinds:
            _add_type(st, kind)
        if _NONE in kinds:
            st.nulls += values.count(None)


def _columns_by_shape(objects: Sequence[dict[str, Any]]) -> list[tuple[str, Sequence[Any]]]:
    """Key → values for objects of different shapes: transposed per shape, then joined."""
    by_shape: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for obj in objects:
        shape = tuple(obj)
        group = by_shape.get(shape)
        if group is None:
            by_shape[shape] = [obj]
        else:
            group.append(obj)
    columns: dict[str, list[Sequence[Any]]] = {}
    for keys, members in by_shape.items():
        transposed = zip(*map(dict.values, members), strict=True)
        for key, column in zip(keys, transposed, strict=True):
            parts = columns.get(key)
            if parts is None:
                columns[key] = [column]
            else:
                parts.append(column)
    return [
        (key, parts[0] if len(parts) == 1 else list(chain.from_iterable(parts)))
        for key, parts in columns.items()
    ]


def _walk_column(
    builder: ProfileBuilder,
    path: str,
    parent: str | None,
    values: Sequence[Any],
    sampling: bool,
    *,
    kinds: set[type] | None = None,
) -> None:
    st = builder.stats(path, parent)
    st.present += len(values)
    if kinds is None:
        kinds = set(map(type, values))
    if len(kinds) == 1:
        _walk_uniform(builder, st, path, kinds.pop(), values, sampling=sampling)
        return
    if _NONE in kinds:
        kinds.discard(_NONE)
        n_null = values.count(None)
        st.nulls += n_null
        st.types.add("null")
        if len(kinds) == 1 and not sampling:
            (kind,) = kinds
            if kind not in _FILTERABLE:  # numbers and booleans: the type is all we need
                _add_type(st, kind)
                return
            # Nulls and empty values are the falsy ones: empty values add their type only.
            filled = list(filter(None, values))
            if len(filled) < len(values) - n_null:
                _add_type(st, kind)
                if kind is dict:
                    builder.count_objects(path, len(values) - n_null - len(filled))
            if filled:
                _walk_uniform(builder, st, path, kind, filled, sampling=sampling)
            return
    for kind in kinds:
        same = [v for v in values if type(v) is kind]
        _walk_uniform(builder, st, path, kind, same, sampling=sampling)


def _add_type(st: PathStats, kind: type) -> None:
    name = SCALAR_TYPE_NAMES.get(kind)
    if name is None:
        name = "string" if kind is str else ""
        if not name:
            raise TypeError(f"not a JSON value: {kind.__name__}")
    st.types.add(name)


def _walk_uniform(
    builder: ProfileBuilder,
    st: PathStats,
    path: str,
    kind: type,
    values: Sequence[Any],
    *,
    sampling: bool,
) -> None:
    """Add values that all have the type ``kind`` (their path's counters are already done)."""
    if kind is str:
        st.types.update(_string_types(values))
        if sampling:
            st.pool.update(values)
        return
    _add_type(st, kind)
    if kind is _NONE:
        st.nulls += len(values)
    elif kind is dict:
        builder.count_objects(path, len(values))
        _walk_objects(builder, path, values, sampling)
    elif kind is list:
        elements = list(chain.from_iterable(values))
        if elements:
            _walk_column(builder, element_path(path), None, elements, sampling)
    elif sampling:
        st.pool.update(map(render_sample, values))


def _joined(values: Sequence[Any]) -> str | None:
    """The values joined by the separator, or None when one of them is not a string."""
    try:
        return _SEP.join(values)
    except TypeError:
        return None


def _string_types(strings: Sequence[str]) -> set[str]:
    """string/date/timestamp among JSON strings, with the reference rules."""
    if len(strings) < _JOIN_MIN:
        return set(map(string_type, strings))
    return _joined_string_types(_SEP.join(strings), strings)


def _joined_string_types(joined: str, strings: Sequence[str]) -> set[str]:
    """``_string_types`` given the strings and ``joined``, the strings joined by ``_SEP``."""
    if "-" not in joined:  # every date and timestamp has one
        return {"string"}
    joined = f"{_SEP}{joined}{_SEP}"  # every item between two separators
    if joined.count(_SEP) != len(strings) + 1:
        return set(map(string_type, strings))
    # The usual ISO column holds one of the two kinds only: one match over it settles that.
    if len(strings[0]) == _DATE_LENGTH and _ALL_DATES.fullmatch(joined):
        return {"date"}
    if len(strings[0]) > _DATE_LENGTH and _ALL_TIMESTAMPS.fullmatch(joined):
        return {"timestamp"}
    if not _NON_ISO_ITEM.search(joined):
        # All dates or timestamps, told apart by length (a date is exactly ten characters).
        lengths = set(map(len, strings))
        found = {"date"} if _DATE_LENGTH in lengths else set()
        if len(lengths) > len(found):
            found.add("timestamp")
        return found
    if not _ANY_ISO_ITEM.search(joined):
        return {"string"}
    found = {"string"}
    if _DATE_ITEM.search(joined):
        found.add("date")
    if _TIMESTAMP_ITEM.search(joined):
        found.add("timestamp")
    return found
