"""JSON: one object, or an array of objects streamed element by element.

The array is never decoded whole. A native scan (``_json_scan``) finds where the last complete
element of the buffered text ends, following strings and brackets, and everything before it is
decoded in one ``orjson`` call, wrapped in brackets. That parse also validates the cut: a
wrong cut (only possible in invalid text) leaves a string or an object open and fails. Then,
and for the reference path, a small scanner finds where each element ends and decodes it
alone, which also locates errors by line. A single object is one record and is buffered
whole. Either way one record may hold at most ``max_record_bytes``.
"""

from __future__ import annotations

import re
from typing import Any, Final

import orjson

from driftgate.profiler._json_scan import last_element_end
from driftgate.profiler.domain.field_walk import ProfileBuilder
from driftgate.profiler.errors import CorruptJsonError, RecordTooLargeError
from driftgate.profiler.readers.records import collector_paused, decode_error, walker

# A complete string, or a quote whose string is not complete yet, or a bracket.
_TOKEN: Final = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|"|[\[\]{}]', re.DOTALL)
_WHITESPACE: Final = b" \t\r\n"
_BATCH_RECORDS: Final = 1024
DEFAULT_MAX_RECORD_BYTES: Final = 64 * 1024 * 1024


class JsonDocumentParser:
    def __init__(
        self,
        builder: ProfileBuilder,
        *,
        fast: bool = True,
        max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    ) -> None:
        self._builder = builder
        self._walk = walker(fast)
        self._fast = fast
        self._max = max_record_bytes
        self._buf = b""
        self._parts: list[bytes] = []
        """A single object's text, joined once at the end (no quadratic growth)."""
        self._size = 0
        self._line = 1
        """Line number of the first byte of ``_buf``."""
        self._mode: str | None = None  # "object" | "array" | "done"
        self._batch: list[dict[str, Any]] = []
        self._depth = 0
        self._scan = 0
        self._expect_element = True
        self._seen_element = False
        self._batch_parse = fast
        """False once the batch parse failed on the buffered text, until more arrives."""

    def feed(self, data: bytes) -> None:
        if self._mode == "object":
            self._hold(data)
            return
        self._buf += data
        self._batch_parse = self._fast
        if self._mode is None:
            stripped = self._buf.lstrip(_WHITESPACE)
            if not stripped:
                return
            self._advance(len(self._buf) - len(stripped))
            if stripped[:1] == b"[":
                self._mode = "array"
                self._advance(1)
            else:
                self._mode = "object"
                text, self._buf = self._buf, b""
                self._hold(text)
                return
        if self._mode == "array":
            self._elements()
            if len(self._buf) > self._max:
                raise self._too_large()

    def close(self) -> None:
        if self._mode == "object":
            self._whole_object()
        elif self._mode == "array":
            self._elements()
            if self._mode != "done":
                raise self._unexpected("the JSON array is not closed")
        elif self._mode is None:
            return
        self._flush()

    def _hold(self, data: bytes) -> None:
        self._parts.append(data)
        self._size += len(data)
        if self._size > self._max:
            raise self._too_large()

    def _too_large(self) -> RecordTooLargeError:
        return RecordTooLargeError(
            f"the record at line {self._line} is longer than {self._max} bytes, the most the "
            "profiler holds in memory at once",
            line=self._line,
        )

    def _advance(self, n: int) -> None:
        self._line += self._buf.count(b"\n", 0, n)
        self._buf = self._buf[n:]
        self._scan = max(0, self._scan - n)

    def _whole_object(self) -> None:
        text = b"".join(self._parts)
        self._parts = []
        try:
            doc = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            raise decode_error(text, self._line + exc.lineno - 1, exc) from exc
        if not isinstance(doc, dict):
            raise CorruptJsonError(
                f"payload must be a JSON object or an array of objects, not {type(doc).__name__}",
                line=self._line,
            )
        self._batch.append(doc)

    def _elements(self) -> None:
        while self._mode == "array":
            if self._depth == 0:
                if not self._between_elements():
                    return
                if self._batch_parse and self._parse_batch():
                    continue
            end = self._element_end()
            if end is None:
                return
            if end > self._max:
                raise self._too_large()
            text = self._buf[:end]
            try:
                record = orjson.loads(text)
            except orjson.JSONDecodeError as exc:
                raise decode_error(text, self._line + exc.lineno - 1, exc) from exc
            self._add([record], end)

    def _parse_batch(self) -> bool:
        """Decode every complete element at once; False leaves the text to the scanner."""
        cut = last_element_end(self._buf)
        if cut < 0 or cut > self._max:
            # Nothing complete yet, or past the record bound: the scanner measures each element.
            self._batch_parse = False
            return False
        try:
            with collector_paused():  # thousands of new dicts would trigger full collections
                records = orjson.loads(b"[" + self._buf[:cut] + b"]")
        except orjson.JSONDecodeError:
            records = None  # invalid text: the scanner locates the fault
        if not records or any(type(record) is not dict for record in records):
            self._batch_parse = False
            return False
        self._add(records, cut)
        return True

    def _add(self, records: list[Any], end: int) -> None:
        self._batch.extend(records)
        self._advance(end)
        self._expect_element = False
        self._seen_element = True
        if len(self._batch) >= _BATCH_RECORDS:
            self._flush()

    def _between_elements(self) -> bool:
        """Skip whitespace and one comma; False when more input is needed."""
        stripped = self._buf.lstrip(_WHITESPACE)
        self._advance(len(self._buf) - len(stripped))
        if not stripped:
            return False
        head = stripped[:1]
        if head == b"]":
            if self._expect_element and self._seen_element:
                raise self._unexpected("a comma before ']' (trailing commas are not JSON)")
            self._advance(1)
            if self._buf.strip(_WHITESPACE):
                raise self._unexpected("data after the JSON array")
            self._mode = "done"
            return False
        if not self._expect_element:
            if head != b",":
                raise self._unexpected("expected ',' or ']' between array elements")
            self._advance(1)
            self._expect_element = True
            return self._between_elements()
        if head != b"{":
            raise self._unexpected("array elements must be JSON objects")
        return True

    def _element_end(self) -> int | None:
        """Offset just past the object starting at ``_buf[0]``, None if it is not complete yet."""
        for match in _TOKEN.finditer(self._buf, self._scan):
            token = match.group()
            if token == b'"':
                self._scan = match.start()
                return None
            if token in (b"{", b"["):
                self._depth += 1
            elif token in (b"}", b"]"):
                self._depth -= 1
                if self._depth == 0:
                    self._scan = 0
                    return match.end()
        self._scan = len(self._buf)
        return None

    def _unexpected(self, what: str) -> CorruptJsonError:
        return CorruptJsonError(f"invalid JSON at line {self._line}: {what}", line=self._line)

    def _flush(self) -> None:
        if self._batch:
            with collector_paused():
                self._walk(self._builder, self._batch)
            self._batch = []
