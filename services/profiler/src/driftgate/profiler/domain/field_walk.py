"""The reference walk: records → PayloadProfile, one value at a time.

Plain and obviously right; the fast path (``fast_inference``) must agree with it exactly,
which a property test checks. Both feed the same ``ProfileBuilder``.

Paths: ``user.address.city`` for nested objects, ``tags[]`` for array elements and
``items[].sku`` for fields of objects inside arrays. A field's presence is counted against its
parent: the records for top-level fields, the occurrences of the enclosing object for nested
ones, the elements for ``[]`` paths (which are therefore always present).

Samples, the value evidence for rename detection, are taken from the first
``sample_window`` records only, then reduced to the ``sample_size`` distinct values with the
smallest CRC-32: a bottom-k sketch, so two fields drawing from the same domain share samples
even when they come from different payloads, and the choice does not depend on record order.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from driftgate.profiler.domain.profile import FieldProfile, PayloadProfile
from driftgate.profiler.domain.type_detection import (
    csv_cell_type,
    json_value_type,
    render_sample,
)

SAMPLE_WINDOW: Final = 1000
SAMPLE_SIZE: Final = 16
ROOT: Final = ""


_PATH_SYNTAX: Final = re.compile(r"[.\[\]\\]")
_SEGMENT: Final = re.compile(r"(?:[^.\\]|\\.)*")


def element_path(path: str) -> str:
    return f"{path}[]"


def path_segment(key: str) -> str:
    """A JSON key as one path segment: ``.``, ``[``, ``]`` and ``\\`` are backslash-escaped,
    so the key ``"a.b"`` and the nested ``{"a": {"b": ...}}`` stay two paths."""
    return _PATH_SYNTAX.sub(r"\\\g<0>", key) if _PATH_SYNTAX.search(key) else key


def child_path(parent: str, key: str) -> str:
    segment = path_segment(key)
    return f"{parent}.{segment}" if parent else segment


def split_path(path: str) -> tuple[str, str]:
    """``(parent, leaf)`` at the last unescaped dot: ``a.b\\.c`` → ``("a", "b\\.c")``."""
    segments, pos = [], 0
    while True:
        match = _SEGMENT.match(path, pos)
        assert match is not None  # the pattern matches the empty string
        segments.append(match.group())
        pos = match.end() + 1
        if pos > len(path):
            return ".".join(segments[:-1]), segments[-1]


@dataclass
class PathStats:
    """Mutable counters for one path while a payload is walked."""

    parent: str | None
    """Path of the enclosing object (``""`` for the record), None for ``[]`` element paths."""
    types: set[str] = field(default_factory=set)
    present: int = 0
    nulls: int = 0
    pool: set[str] = field(default_factory=set)


def _sample_key(text: str) -> tuple[int, str]:
    return zlib.crc32(text.encode("utf-8", "surrogatepass")), text


class ProfileBuilder:
    """Accumulates path statistics over any number of record batches."""

    def __init__(
        self, *, sample_window: int = SAMPLE_WINDOW, sample_size: int = SAMPLE_SIZE
    ) -> None:
        self.sample_window = sample_window
        self.sample_size = sample_size
        self.record_count = 0
        self.paths: dict[str, PathStats] = {}
        self.objects: dict[str, int] = {ROOT: 0}
        """Occurrences of an object at each path: the denominators of child presence."""

    @property
    def sampling(self) -> bool:
        return self.record_count < self.sample_window

    def stats(self, path: str, parent: str | None) -> PathStats:
        found = self.paths.get(path)
        if found is None:
            found = self.paths[path] = PathStats(parent)
        return found

    def count_objects(self, path: str, n: int) -> None:
        self.objects[path] = self.objects.get(path, 0) + n

    def build(self) -> PayloadProfile:
        fields: dict[str, FieldProfile] = {}
        for path in sorted(self.paths):
            st = self.paths[path]
            parent_count = st.present if st.parent is None else self.objects.get(st.parent, 0)
            samples = sorted(st.pool, key=_sample_key)[: self.sample_size]
            fields[path] = FieldProfile(
                path=path,
                types=frozenset(st.types),
                present=st.present,
                nulls=st.nulls,
                parent_count=parent_count,
                samples=tuple(samples),
            )
        return PayloadProfile(record_count=self.record_count, fields=fields)


def walk_record(builder: ProfileBuilder, record: Mapping[str, Any]) -> None:
    """Add one decoded JSON record (an object) to the profile."""
    sampling = builder.sampling
    builder.record_count += 1
    builder.count_objects(ROOT, 1)
    _walk_object(builder, ROOT, record, sampling)


def _walk_object(
    builder: ProfileBuilder, prefix: str, obj: Mapping[str, Any], sampling: bool
) -> None:
    for key, value in obj.items():
        _walk_value(builder, child_path(prefix, key), prefix, value, sampling)


def _walk_value(
    builder: ProfileBuilder, path: str, parent: str | None, value: Any, sampling: bool
) -> None:
    st = builder.stats(path, parent)
    st.present += 1
    name = json_value_type(value)
    st.types.add(name)
    if name == "null":
        st.nulls += 1
    elif name == "object":
        builder.count_objects(path, 1)
        _walk_object(builder, path, value, sampling)
    elif name == "array":
        for element in value:
            _walk_value(builder, element_path(path), None, element, sampling)
    elif sampling:
        st.pool.add(render_sample(value))


def walk_csv_row(builder: ProfileBuilder, row: Mapping[str, str]) -> None:
    """Add one CSV row (header → cell text) to the profile; an empty cell is null."""
    sampling = builder.sampling
    builder.record_count += 1
    builder.count_objects(ROOT, 1)
    for column, cell in row.items():
        st = builder.stats(column, ROOT)
        st.present += 1
        name = csv_cell_type(cell)
        st.types.add(name)
        if name == "null":
            st.nulls += 1
        elif sampling:
            st.pool.add(cell)


def profile_records(records: Iterable[Mapping[str, Any]]) -> PayloadProfile:
    """Reference profile of decoded JSON records."""
    builder = ProfileBuilder()
    for record in records:
        walk_record(builder, record)
    return builder.build()


def profile_csv_rows(rows: Iterable[Mapping[str, str]]) -> PayloadProfile:
    """Reference profile of CSV rows."""
    builder = ProfileBuilder()
    for row in rows:
        walk_csv_row(builder, row)
    return builder.build()
