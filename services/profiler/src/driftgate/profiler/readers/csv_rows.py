"""CSV with a header row: quoted fields (with embedded newlines and doubled quotes), LF or CRLF.

Input is cut into blocks at row boundaries: a newline ends a row exactly when the quotes
before it (from the block's start) are balanced, which doubled quotes keep true. The fast
path lets Arrow split a block into all-text columns; the reference path, and any block Arrow
refuses, goes through Python's ``csv`` module, which also locates errors by line and row.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Final

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pacsv  # type: ignore[import-untyped]

from driftgate.profiler.domain.fast_csv import walk_csv_table
from driftgate.profiler.domain.field_walk import ProfileBuilder, walk_csv_row
from driftgate.profiler.errors import InvalidCsvRowError, InvalidEncodingError

BLOCK_BYTES: Final = 4 << 20


def _row_end(data: bytes, start: int = 0) -> int:
    """Offset just past the last complete row in ``data[start:]``, or ``start`` if none."""
    cut = data.rfind(b"\n", start)
    if data.find(b'"', start, cut) < 0:  # no quotes at all (memchr): the usual case
        return start if cut < 0 else cut + 1
    while cut >= 0 and data.count(b'"', start, cut) % 2:
        cut = data.rfind(b"\n", start, cut)
    return start if cut < 0 else cut + 1


def _decode(block: bytes, first_line: int) -> str:
    try:
        return block.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = first_line + block.count(b"\n", 0, exc.start)
        raise InvalidEncodingError(f"invalid UTF-8 at line {line}", line=line) from exc


class CsvParser:
    def __init__(self, builder: ProfileBuilder, *, fast: bool = True) -> None:
        self._builder = builder
        self._fast = fast
        self._parts: list[bytes] = []
        """Input not profiled yet, joined only when a block is due (no quadratic growth)."""
        self._size = 0
        self._header: list[str] | None = None
        self._next_line = 1
        self._next_row = 1

    @property
    def _buf(self) -> bytes:
        if len(self._parts) != 1:
            self._parts = [b"".join(self._parts)]
        return self._parts[0]

    def _keep(self, rest: bytes) -> None:
        self._parts = [rest] if rest else []
        self._size = len(rest)

    def feed(self, data: bytes) -> None:
        self._parts.append(data)
        self._size += len(data)
        if self._header is None:
            cut = self._first_row_end()
            if cut is None:
                return
            buf = self._buf
            self._read_header(buf[:cut])
            self._keep(buf[cut:])
        if self._size >= BLOCK_BYTES:
            buf = self._buf
            cut = _row_end(buf)
            if cut:
                self._keep(buf[cut:])
                self._block(buf[:cut])

    def close(self) -> None:
        buf = self._buf
        self._keep(b"")
        if self._header is None:
            if not buf or buf.isspace():
                return
            self._read_header(buf)
            return
        if buf and not buf.isspace():
            self._block(buf)

    def _first_row_end(self) -> int | None:
        start = 0
        while (cut := self._buf.find(b"\n", start)) >= 0:
            if self._buf.count(b'"', 0, cut) % 2 == 0:
                return cut + 1
            start = cut + 1
        return None

    def _read_header(self, raw: bytes) -> None:
        rows = list(csv.reader(io.StringIO(_decode(raw, 1), newline="")))
        names = rows[0] if rows else []
        problem = None
        if not names or any(not name for name in names):
            problem = "the header row has an empty column name"
        elif len(set(names)) != len(names):
            problem = "the header row repeats a column name"
        if problem:
            raise InvalidCsvRowError(f"line 1: {problem}", line=1, row=0)
        self._header = names
        self._next_line = 1 + raw.count(b"\n")

    def _block(self, block: bytes) -> None:
        first_line = self._next_line
        self._next_line += block.count(b"\n")
        table = self._arrow_table(block) if self._fast else None
        if table is None:
            self._reference_block(block, first_line)
        else:
            assert self._header is not None
            walk_csv_table(self._builder, self._header, table)
            self._next_row += table.num_rows

    def _arrow_table(self, block: bytes) -> Any:
        """The block as text columns, or None if Arrow refuses it (the ``csv`` module decides)."""
        assert self._header is not None
        names = [f"c{i}" for i in range(len(self._header))]
        try:
            return pacsv.read_csv(
                pa.py_buffer(block),
                read_options=pacsv.ReadOptions(
                    column_names=names, use_threads=False, block_size=len(block) + 1
                ),
                parse_options=pacsv.ParseOptions(newlines_in_values=True),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return None

    def _reference_block(self, block: bytes, first_line: int) -> None:
        header = self._header
        assert header is not None
        reader = csv.reader(io.StringIO(_decode(block, first_line), newline=""))
        consumed = 0
        while True:
            start_line = first_line + consumed
            try:
                cells = next(reader, None)
            except csv.Error as exc:
                raise InvalidCsvRowError(
                    f"line {start_line}: {exc}", line=start_line, row=self._next_row
                ) from exc
            if cells is None:
                return
            consumed = reader.line_num
            if not cells:
                continue  # a blank line
            if len(cells) != len(header):
                raise InvalidCsvRowError(
                    f"line {start_line} (row {self._next_row}) has {len(cells)} fields, "
                    f"the header has {len(header)}",
                    line=start_line,
                    row=self._next_row,
                )
            walk_csv_row(self._builder, dict(zip(header, cells, strict=True)))
            self._next_row += 1
