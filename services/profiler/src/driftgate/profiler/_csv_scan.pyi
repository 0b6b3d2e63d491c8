"""Typing for the native CSV scanner (services/profiler/native/csv_scan.c)."""

from typing_extensions import Buffer

def scan(
    data: Buffer, columns: int, max_rows: int, /
) -> tuple[int, int, int, tuple[int, ...], tuple[int, ...]] | None: ...
def classify(cell: Buffer, /) -> int: ...
