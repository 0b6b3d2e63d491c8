"""Typing for the native CSV scanner (services/profiler/native/csv_scan.c)."""

from typing_extensions import Buffer

def scan(
    data: Buffer, columns: int, max_rows: int, /
) -> tuple[int, int, int, tuple[int, ...], tuple[int, ...]] | None: ...
def column_classes(
    data: Buffer | None, offsets: Buffer, validity: Buffer | None, offset: int, length: int, /
) -> tuple[int, int]: ...
def classify(cell: Buffer, /) -> int: ...
