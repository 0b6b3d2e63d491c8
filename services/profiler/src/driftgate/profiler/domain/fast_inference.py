"""The fast path for JSON records: the same profile as the reference walk, a column at a time.

Objects of one shape (usually all of a batch, else split by width in C) are read a column
at a time with ``map(itemgetter(key), ...)`` and each column is typed with one
``set(map(type, ...))``. Columns of numbers, booleans and nulls end there; a column of strings
is typed in one native pass (``_json_strings``, the reference rules in C, docs/adr/0011),
which also tells whether every value is a string; objects and arrays recurse a column at a
time. Per-value Python code runs only while samples are taken (the
first ``sample_window`` records) and on columns of several non-null types. Batches are kept
small by the readers, so their objects are still in the CPU cache when walked.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain, compress
from operator import itemgetter
from typing import Any, Final

from driftgate.profiler._json_strings import string_classes
from driftgate.profiler.domain.field_walk import (
    ROOT,
    PathStats,
    ProfileBuilder,
    child_path,
    element_path,
)
from driftgate.profiler.domain.type_detection import (
    SCALAR_TYPE_NAMES,
    class_names,
    render_sample,
)

_NONE: Final = type(None)
_FILTERABLE: Final = (str, dict, list)
"""Kinds whose empty values are the only falsy ones, so ``filter(None, ...)`` drops nulls."""
_MAX_WIDTHS: Final = 4
_PLAIN_KINDS: Final = frozenset((int, float, bool, _NONE))


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
        if not sampling and type(values[0]) is str:
            # One native pass both checks that every value is a string and types them.
            classes = string_classes(values)
            if classes is not None:
                st = builder.stats(path, prefix)
                st.present += len(values)
                st.types.update(class_names(classes))
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


def _string_types(strings: Sequence[str]) -> set[str]:
    """string/date/timestamp among JSON strings, with the reference rules."""
    classes = string_classes(strings)
    if classes is None:
        raise TypeError("not a column of strings")
    return class_names(classes)
