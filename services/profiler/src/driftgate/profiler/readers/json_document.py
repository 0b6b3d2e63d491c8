"""JSON: one object, or an array of objects streamed element by element.

The array is never decoded whole: a small scanner follows strings and brackets to find where
each top-level element ends, and each element is decoded on its own. A single object is one
record and is buffered whole.
"""

from __future__ import annotations

import re
from typing import Any, Final

import orjson

from driftgate.profiler.domain.field_walk import ProfileBuilder
from driftgate.profiler.errors import CorruptJsonError
from driftgate.profiler.readers.records import collector_paused, decode_error, walker

# A complete string, or a quote whose string is not complete yet, or a bracket.
_TOKEN: Final = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|"|[\[\]{}]', re.DOTALL)
_WHITESPACE: Final = b" \t\r\n"
_BATCH_RECORDS: Final = 1024


class JsonDocumentParser:
    def __init__(self, builder: ProfileBuilder, *, fast: bool = True) -> None:
        self._builder = builder
        self._walk = walker(fast)
        self._buf = b""
        self._line = 1
        """Line number of the first byte of ``_buf``."""
        self._mode: str | None = None  # "object" | "array" | "done"
        self._batch: list[dict[str, Any]] = []
        self._depth = 0
        self._scan = 0
        self._expect_element = True

    def feed(self, data: bytes) -> None:
        self._buf += data
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
        if self._mode == "array":
            self._elements()

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

    def _advance(self, n: int) -> None:
        self._line += self._buf.count(b"\n", 0, n)
        self._buf = self._buf[n:]
        self._scan = max(0, self._scan - n)

    def _whole_object(self) -> None:
        try:
            doc = orjson.loads(self._buf)
        except orjson.JSONDecodeError as exc:
            raise decode_error(self._buf, self._line + exc.lineno - 1, exc) from exc
        if not isinstance(doc, dict):
            raise CorruptJsonError(
                f"payload must be a JSON object or an array of objects, not {type(doc).__name__}",
                line=self._line,
            )
        self._batch.append(doc)

    def _elements(self) -> None:
        while self._mode == "array":
            if self._depth == 0 and not self._between_elements():
                return
            end = self._element_end()
            if end is None:
                return
            text = self._buf[:end]
            try:
                record = orjson.loads(text)
            except orjson.JSONDecodeError as exc:
                raise decode_error(text, self._line + exc.lineno - 1, exc) from exc
            self._batch.append(record)
            self._advance(end)
            self._expect_element = False
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
