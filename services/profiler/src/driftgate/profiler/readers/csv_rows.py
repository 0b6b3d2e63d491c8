"""CSV with a header row: quoted fields (with embedded newlines and doubled quotes), LF or CRLF.

Input is cut into blocks at row boundaries: a newline ends a row exactly when the quotes
before it (from the block's start) are balanced, which doubled quotes keep true. A block of
plain CSV is typed in one native pass (``_csv_scan``, docs/adr/0011), except the rows of the
sample window, whose values Arrow reads as text for rename evidence. A block the scanner
refuses goes to Arrow as all-text columns, and any block Arrow refuses to Python's ``csv``
module, the reference, which also locates errors by line and row.

A block reaches the scanner or Arrow without copying the input twice: the chunks are
concatenated once into Arrow's memory pool, and the cut is a zero-copy slice.
"""

from __future__ import annotations

import csv
import io
import sys
from typing import Any, Final

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pacsv  # type: ignore[import-untyped]

from driftgate.profiler import _csv_scan
from driftgate.profiler.domain.fast_csv import add_scanned_rows, walk_csv_table
from driftgate.profiler.domain.field_walk import ProfileBuilder, walk_csv_row
from driftgate.profiler.errors import (
    InvalidCsvRowError,
    InvalidEncodingError,
    RecordTooLargeError,
)
from driftgate.profiler.readers.json_document import DEFAULT_MAX_RECORD_BYTES

BLOCK_BYTES: Final = 8 << 20


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


class _Block:
    """Complete rows: the ``parts`` joined, ending ``end`` bytes into the last part."""

    def __init__(self, parts: list[bytes], end: int) -> None:
        self.parts = parts
        self.end = end

    def arrow(self) -> Any:
        """The block as one Arrow buffer: a view of a single part, else one copy into the pool."""
        if len(self.parts) == 1:
            return pa.py_buffer(self.parts[0]).slice(0, self.end)
        size = sum(map(len, self.parts[:-1])) + self.end
        joined = pa.allocate_buffer(size)
        view = memoryview(joined).cast("B")
        at = 0
        for part in self.parts[:-1]:
            view[at : at + len(part)] = part
            at += len(part)
        view[at:] = memoryview(self.parts[-1])[: self.end]
        return joined

    def data(self) -> bytes:
        return b"".join([*self.parts[:-1], self.parts[-1][: self.end]])

    def newlines(self) -> int:
        head = sum(part.count(b"\n") for part in self.parts[:-1])
        return head + self.parts[-1].count(b"\n", 0, self.end)


class CsvParser:
    def __init__(
        self,
        builder: ProfileBuilder,
        *,
        fast: bool = True,
        block_bytes: int = BLOCK_BYTES,
        max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    ) -> None:
        self._builder = builder
        self._fast = fast
        # A block never exceeds the record bound, so no row it holds can either: the bound
        # is then enforced exactly by checking the unfinished row left after each cut.
        self._block_bytes = min(block_bytes, max_record_bytes)
        self._max = max_record_bytes
        # The csv module refuses fields over 128 KiB by default, where Arrow and the native
        # scanner take them: the record bound is the one limit, whichever path reads a block.
        # (The limit is process-wide; raising it never narrows what another reader accepts.)
        csv.field_size_limit(max(csv.field_size_limit(), max_record_bytes))
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

    def _keep(self, rest: list[bytes]) -> None:
        self._parts = [part for part in rest if part]
        self._size = sum(map(len, self._parts))

    def feed(self, data: bytes) -> None:
        if not data:
            return
        self._parts.append(data)
        self._size += len(data)
        if self._header is None:
            cut = self._first_row_end()
            if cut is None:
                if self._size > self._max:
                    raise self._too_large()
                return
            buf = self._buf
            self._read_header(buf[:cut])
            self._keep([buf[cut:]])
        if self._size >= self._block_bytes:
            block = self._cut()
            if block is not None:
                self._block(block)
            if self._size > self._max:  # all that is left is one unfinished row
                raise self._too_large()

    def _too_large(self) -> RecordTooLargeError:
        line = self._next_line
        return RecordTooLargeError(
            f"the row at line {line} is longer than {self._max} bytes, the most the profiler "
            "holds in memory at once",
            line=line,
            row=self._next_row if self._header is not None else None,
        )

    def _cut(self) -> _Block | None:
        """Take the complete rows buffered so far, keeping the partial last row."""
        parts = self._parts
        if any(b'"' in part for part in parts):
            buf = self._buf
            cut = _row_end(buf)
            if not cut:
                return None
            self._keep([buf[cut:]])
            return _Block([buf], cut)
        for i in range(len(parts) - 1, -1, -1):
            end = parts[i].rfind(b"\n") + 1
            if end:
                self._keep([parts[i][end:], *parts[i + 1 :]])
                return _Block(parts[: i + 1], end)
        return None

    def close(self) -> None:
        buf = self._buf
        self._keep([])
        if self._header is None:
            if not buf or buf.isspace():
                return
            self._read_header(buf)
            return
        if buf and not buf.isspace():
            self._block(_whole_block(buf))

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

    def _block(self, block: _Block) -> None:
        """Profile complete rows: scanned natively when plain, else read by Arrow or ``csv``."""
        if not self._fast:
            self._general(block)
            return
        data = block.arrow()
        window = self._builder.sample_window - self._builder.record_count
        if window <= 0:
            if not self._scanned(data):
                self._general(block)
            return
        # Rows in the sample window go through Arrow, which keeps their values as samples.
        head = _csv_scan.scan(data, self._columns, window)
        if head is None or head[2] >= data.size:
            self._general(block)
            return
        consumed = head[2]
        self._general(_whole_block(data.slice(0, consumed).to_pybytes()))
        rest = data.slice(consumed)
        if not self._scanned(rest):
            self._general(_whole_block(rest.to_pybytes()))

    def _scanned(self, data: Any) -> bool:
        """Type plain rows in one native pass; False when the block needs the general path."""
        assert self._header is not None
        result = _csv_scan.scan(data, self._columns, sys.maxsize)
        if result is None:
            return False
        rows, newlines, _, masks, nulls = result
        add_scanned_rows(self._builder, self._header, rows, masks, nulls)
        self._next_line += newlines
        self._next_row += rows
        return True

    @property
    def _columns(self) -> int:
        assert self._header is not None
        return len(self._header)

    def _general(self, block: _Block) -> None:
        first_line = self._next_line
        read = self._arrow_table(block) if self._fast else None
        if read is None:
            self._next_line += block.newlines()
            self._reference_block(block.data(), first_line)
            return
        table, lines = read
        self._next_line += lines
        assert self._header is not None
        walk_csv_table(self._builder, self._header, table)
        self._next_row += table.num_rows

    def _arrow_table(self, block: _Block) -> tuple[Any, int] | None:
        """The block as text columns (empty cells null) and its newline count, or None if
        Arrow refuses it (the ``csv`` module decides)."""
        table = self._read(block.arrow())
        return None if table is None else (table, block.newlines())

    def _read(self, data: Any) -> Any:
        assert self._header is not None
        names = [f"c{i}" for i in range(len(self._header))]
        try:
            return pacsv.read_csv(
                data,
                read_options=pacsv.ReadOptions(
                    column_names=names, use_threads=False, block_size=data.size + 1
                ),
                parse_options=pacsv.ParseOptions(newlines_in_values=True),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()),
                    null_values=[""],
                    strings_can_be_null=True,
                    quoted_strings_can_be_null=True,
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


def _whole_block(data: bytes) -> _Block:
    return _Block([data], len(data))
