"""The fast path for CSV: column classes from the native scanner, or from Arrow text columns.

``add_scanned_rows`` takes what the native scanner found in a block (each column's class bits
and null count). ``walk_csv_table`` handles a block Arrow read as all-text columns (the sample
window, and blocks the scanner leaves to the general path): each column is typed by the same
native rules (``_csv_scan.column_classes``) over Arrow's buffers, so conflicting cells make a
union and the profile equals the reference walk's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from driftgate.profiler import _csv_scan
from driftgate.profiler.domain.field_walk import ROOT, ProfileBuilder
from driftgate.profiler.domain.type_detection import class_names


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
        st.types.update(class_names(mask))


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
            validity, offsets, data = chunk.buffers()
            mask, nulls = _csv_scan.column_classes(
                data, offsets, validity, chunk.offset, len(chunk)
            )
            st.nulls += nulls
            st.types.update(class_names(mask))
