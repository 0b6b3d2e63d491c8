import asyncio
import gzip
from collections.abc import AsyncIterator

import pytest

from driftgate.profiler.domain.field_walk import ProfileBuilder
from driftgate.profiler.domain.profile import PayloadProfile
from driftgate.profiler.errors import (
    BrokenCompressionError,
    CorruptJsonError,
    EmptyPayloadError,
    InvalidCsvRowError,
    InvalidEncodingError,
    RecordTooLargeError,
    UnreadablePayloadError,
)
from driftgate.profiler.readers import profile_bytes, profile_chunks, profile_stream
from driftgate.profiler.readers.csv_rows import CsvParser

NDJSON = b'{"id": 1, "user": {"name": "a"}, "tags": ["x"]}\n{"id": 2, "user": null}\n'
JSON_ARRAY = b'[{"id": 1, "user": {"name": "a"}, "tags": ["x"]},\n {"id": 2, "user": null}]'
EXPECTED = {
    "id": "integer",
    "tags": "array",
    "tags[]": "string",
    "user": "null|object",
    "user.name": "string",
}
CSV = b'id,name,joined\n1,"Smith, Jane",2024-01-31\n2,"say ""hi""\nbye",\n'


def both(data: bytes, fmt: str) -> PayloadProfile:
    """Profile with the fast path, checking the reference path agrees."""
    fast = profile_bytes(data, fmt, fast=True)
    assert profile_bytes(data, fmt, fast=False) == fast
    return fast


def split(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


@pytest.mark.parametrize(
    ("data", "fmt"),
    [(NDJSON, "ndjson"), (JSON_ARRAY, "json"), (NDJSON.replace(b"\n", b"\r\n"), "ndjson")],
)
def test_json_formats(data: bytes, fmt: str) -> None:
    profile = both(data, fmt)
    assert profile.record_count == 2
    assert profile.schema() == EXPECTED


def test_single_json_object_is_one_record() -> None:
    profile = both(b'{"a": {"b": [1, 2.5]}}', "json")
    assert profile.record_count == 1
    assert profile.schema() == {"a": "object", "a.b": "array", "a.b[]": "number"}


@pytest.mark.parametrize("fmt", ["ndjson", "json", "csv"])
@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 4096])
def test_gzip_and_bom_are_detected_across_any_chunking(fmt: str, chunk: int) -> None:
    plain = {"ndjson": NDJSON, "json": JSON_ARRAY, "csv": CSV}[fmt]
    expected = profile_bytes(plain, fmt)
    for data in (b"\xef\xbb\xbf" + plain, gzip.compress(b"\xef\xbb\xbf" + plain)):
        assert profile_chunks(split(data, chunk), fmt) == expected
        assert profile_chunks(split(data, chunk), fmt, fast=False) == expected


def test_concatenated_gzip_members() -> None:
    data = gzip.compress(NDJSON[:48]) + gzip.compress(NDJSON[48:])
    assert profile_bytes(data, "ndjson") == profile_bytes(NDJSON, "ndjson")


def test_blank_lines_are_ignored() -> None:
    assert both(b"\n" + NDJSON + b"\r\n  \n", "ndjson") == profile_bytes(NDJSON, "ndjson")


def test_csv_quoted_fields_crlf_and_types() -> None:
    profile = both(CSV.replace(b"\n", b"\r\n"), "csv")
    assert profile.record_count == 2
    assert profile.schema() == {"id": "integer", "joined": "null|date", "name": "string"}
    assert set(profile.fields["name"].samples) == {"Smith, Jane", 'say "hi"\r\nbye'}
    assert profile.fields["joined"].nulls == 1


def test_csv_blocks_cut_only_between_rows() -> None:
    # Many rows with quoted newlines, fed in tiny chunks: the block cutter must respect quotes.
    rows = b"".join(b'%d,"a\nb, ""c""",x\n' % i for i in range(3000))
    profile = profile_chunks(split(b"n,text,k\n" + rows, 997), "csv")
    assert profile.record_count == 3000
    assert profile.fields["text"].samples == ('a\nb, "c"',)


def _error(data: bytes, fmt: str, chunk: int | None = None) -> UnreadablePayloadError:
    errors = []
    for fast in (True, False):
        with pytest.raises(UnreadablePayloadError) as caught:
            profile_chunks(split(data, chunk or max(1, len(data))), fmt, fast=fast)
        errors.append(caught.value)
    fast_error, ref_error = errors
    assert (type(fast_error), fast_error.line, fast_error.row) == (
        type(ref_error),
        ref_error.line,
        ref_error.row,
    )
    return fast_error


@pytest.mark.parametrize(
    ("data", "fmt", "error", "line"),
    [
        (b'{"a": 1}\n{"a": 2\n{"a": 3}\n', "ndjson", CorruptJsonError, 2),
        (b'{"a": 1}\n\n[1, 2]\n', "ndjson", CorruptJsonError, 3),
        (b'{"a": 1}\n{"a": "caf\xe9"}\n', "ndjson", InvalidEncodingError, 2),
        (b'[{"a": 1},\n{"a": 2},\n{"a": }]', "json", CorruptJsonError, 3),
        (b'[{"a": 1},\n{"a": 2}\n{"a": 3}]', "json", CorruptJsonError, 3),
        (b'[{"a": 1}, 2]', "json", CorruptJsonError, 1),
        (b'[{"a": 1},\n{"a": 2},\n]', "json", CorruptJsonError, 3),
        (b'[{"a": 1},\n{"a": 2}', "json", CorruptJsonError, 2),
        (b'{"a": 1}\n{"b": 2}', "json", CorruptJsonError, 2),
        (b'"text"', "json", CorruptJsonError, 1),
        (b'{"a": "\n\xff"}', "json", InvalidEncodingError, 2),
        (b"a,b\n1,2\n3,4,5\n", "csv", InvalidCsvRowError, 3),
        (b'a,b\n1,"x\ny"\n3\n', "csv", InvalidCsvRowError, 4),
        (b"a,b\n1,2\n3,\xff\xfe\n", "csv", InvalidEncodingError, 3),
        (b"a,a\n1,2\n", "csv", InvalidCsvRowError, 1),
        (b"a,,b\n1,2,3\n", "csv", InvalidCsvRowError, 1),
    ],
)
def test_unreadable_payloads_carry_their_line(
    data: bytes, fmt: str, error: type[UnreadablePayloadError], line: int
) -> None:
    caught = _error(data, fmt)
    assert type(caught) is error
    assert caught.line == line
    assert not caught.retryable


def test_invalid_csv_row_carries_its_data_row_number() -> None:
    caught = _error(b'a,b\n1,2\n\n"multi\nline",2\n5\n', "csv")
    assert (caught.line, caught.row) == (6, 3)


@pytest.mark.parametrize(
    "data",
    [
        gzip.compress(NDJSON)[:-6],  # truncated
        gzip.compress(NDJSON)[:10] + b"\x00" * 20 + gzip.compress(NDJSON)[30:],  # corrupt
        gzip.compress(NDJSON) + b"trailing junk",
    ],
)
def test_broken_gzip(data: bytes) -> None:
    assert type(_error(data, "ndjson")) is BrokenCompressionError


@pytest.mark.parametrize(
    ("data", "fmt"),
    [(b"", "ndjson"), (b"\n\n", "ndjson"), (b"[]", "json"), (b" ", "json"), (b"a,b\n", "csv")],
)
def test_payloads_without_records_are_unreadable(data: bytes, fmt: str) -> None:
    assert type(_error(data, fmt)) is EmptyPayloadError


def test_unknown_format_is_unreadable() -> None:
    with pytest.raises(UnreadablePayloadError):
        profile_bytes(NDJSON, "xml")


async def _chunks(data: bytes, size: int) -> AsyncIterator[bytes]:
    for piece in split(data, size):
        await asyncio.sleep(0)
        yield piece


async def test_profile_stream_matches_the_blocking_reader() -> None:
    data = gzip.compress(NDJSON * 5000)
    streamed = await profile_stream(_chunks(data, 1000), "ndjson")
    assert streamed == profile_bytes(data, "ndjson")
    assert streamed.record_count == 10000


async def test_profile_stream_raises_reader_errors() -> None:
    with pytest.raises(InvalidCsvRowError) as caught:
        await profile_stream(_chunks(b"a,b\n1,2\n3\n", 3), "csv")
    assert caught.value.row == 2


class SourceFailedError(Exception):
    pass


async def test_profile_stream_propagates_a_failing_source() -> None:
    async def failing() -> AsyncIterator[bytes]:
        yield NDJSON
        raise SourceFailedError

    with pytest.raises(SourceFailedError):
        await profile_stream(failing(), "ndjson")


async def test_profile_stream_can_be_cancelled_while_waiting_for_input() -> None:
    release = asyncio.Event()

    async def slow() -> AsyncIterator[bytes]:
        yield NDJSON
        await release.wait()
        yield NDJSON

    task = asyncio.create_task(profile_stream(slow(), "ndjson"))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


def _big_ndjson(lines: int) -> bytes:
    # Line lengths vary, so cuts at buffer ends land mid-line at different offsets.
    return b"".join(
        b'{"n": %d, "pad": "%s", "at": "2024-01-%02dT00:00:00Z"}\n'
        % (i, b"p" * (i % 97), i % 28 + 1)
        for i in range(lines)
    )


@pytest.mark.parametrize("chunk", [7_919, 1 << 20, 1_500_007, 3 << 20])
def test_ndjson_larger_than_the_buffer_profiles_alike_across_chunkings(chunk: int) -> None:
    data = _big_ndjson(40_000)  # about 4 MB: several buffer cuts
    assert len(data) > 3 << 20
    whole = profile_bytes(data, "ndjson")
    assert whole.record_count == 40_000
    assert profile_chunks(split(data, chunk), "ndjson") == whole
    assert profile_chunks(split(data, chunk), "ndjson", fast=False) == whole


@pytest.mark.parametrize("chunk", [7_919, 1 << 20, 1_500_007])
def test_corrupt_line_past_the_buffer_reports_its_line(chunk: int) -> None:
    lines = _big_ndjson(40_000).splitlines(keepends=True)
    lines[33_333] = b'{"n": 33333, "pad": \n'
    caught = _error(b"".join(lines), "ndjson", chunk)
    assert type(caught) is CorruptJsonError
    assert caught.line == 33_334


def _tricky_array(n: int) -> bytes:
    # Strings holding "}," and "]", nested objects in arrays, varied whitespace: cuts at "},"
    # that are not between two elements must never be taken for one.
    elements = [
        b'{"i": %d, "s": "x},{\\"y\\": ]", "items": [{"k": %d}, {"k": "},"}],'
        b' "o": {"p": {"q": null}}}' % (i, i)
        for i in range(n)
    ]
    return b"[" + b",\n ".join(elements) + b"\n]"


@pytest.mark.parametrize("chunk", [1, 13, 4096, 1 << 20])
def test_json_array_cuts_only_between_elements_across_chunkings(chunk: int) -> None:
    data = _tricky_array(2_000 if chunk > 1 else 50)
    expected = profile_bytes(data, "json", fast=False)
    assert expected.record_count == (2_000 if chunk > 1 else 50)
    assert profile_chunks(split(data, chunk), "json") == expected
    assert set(expected.fields) >= {"s", "items[].k", "o.p.q"}


def test_corrupt_element_deep_in_a_large_array_reports_its_line() -> None:
    data = _tricky_array(3_000).replace(b'{"i": 2500,', b'{"i": 2500 ', 1)
    caught = _error(data, "json", 65_536)
    assert type(caught) is CorruptJsonError
    assert caught.line == 2_501  # "[" and element 0 share line 1


@pytest.mark.parametrize(
    ("data", "fmt", "line"),
    [
        (b'{"a": 1}\n{"a": "' + b"x" * 5_000 + b'"}\n', "ndjson", 2),
        (b'[{"a": 1},\n{"a": "' + b"x" * 5_000 + b'"}]', "json", 2),
        (b'{"a": "' + b"x" * 5_000 + b'"}', "json", 1),
    ],
)
@pytest.mark.parametrize("chunk", [100, 1_000_000])
def test_a_record_longer_than_the_bound_is_rejected(
    data: bytes, fmt: str, line: int, chunk: int
) -> None:
    for fast in (True, False):
        with pytest.raises(RecordTooLargeError) as caught:
            profile_chunks(split(data, chunk), fmt, fast=fast, max_record_bytes=4_096)
        assert caught.value.line == line
        assert caught.value.reason == "record_too_large"


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"a,b\n1,2\n3," + b"y" * 5_000 + b"\n4,5\n", 3),
        (b'a,b\n1,2\n3,"' + b"y\n" * 2_500 + b'"\n4,5\n', 3),
        (b"a," + b"b" * 5_000 + b"\n1,2\n", 1),
    ],
)
def test_a_csv_row_longer_than_the_bound_is_rejected_while_buffered(data: bytes, line: int) -> None:
    # CSV checks the row it buffers: chunks smaller than the bound, as the S3 reader's 1 MiB
    # chunks are beside the settings' minimum of 16 MiB.
    for fast in (True, False):
        with pytest.raises(RecordTooLargeError) as caught:
            profile_chunks(split(data, 100), "csv", fast=fast, max_record_bytes=4_096)
        assert caught.value.line == line


@pytest.mark.parametrize("fmt", ["ndjson", "json", "csv"])
def test_payloads_far_larger_than_the_record_bound_stream_through(fmt: str) -> None:
    records = [b'{"n": %d, "pad": "%s"}' % (i, b"p" * 50) for i in range(20_000)]
    data = b"\n".join(records) if fmt == "ndjson" else b"[" + b",".join(records) + b"]"
    if fmt == "csv":
        data = b"n,pad\n" + b"".join(b"%d,%s\n" % (i, b"p" * 50) for i in range(20_000))
    assert len(data) > 250 * 4_096
    profile = profile_chunks(split(data, 3_000), fmt, max_record_bytes=4_096)
    assert profile.record_count == 20_000


@pytest.mark.parametrize("quoted", [False, True])
def test_a_cell_longer_than_the_csv_modules_default_limit_reads_alike_on_every_path(
    quoted: bool,
) -> None:
    cell = b'"' + b"x" * 200_000 + b'"' if quoted else b"x" * 200_000
    data = b"a,b\n1," + cell + b"\n2,y\n"
    assert both(data, "csv").schema() == {"a": "integer", "b": "string"}
    # Past the sample window every block goes to the native scanner first.
    builder = ProfileBuilder(sample_window=0)
    parser = CsvParser(builder)
    parser.feed(data)
    parser.close()
    assert builder.build().schema() == {"a": "integer", "b": "string"}
