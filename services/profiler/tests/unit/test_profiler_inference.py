import pytest

from driftgate.profiler.domain.inference import infer_schema, parse_json_records
from driftgate.profiler.domain.schema_diff import diff_schemas, fingerprint
from driftgate.profiler.errors import UnreadablePayloadError


def test_infers_top_level_types_with_unions() -> None:
    records = parse_json_records(
        b'[{"id": 1, "price": 2.5, "ok": true, "tags": [], "meta": {}, "note": null},'
        b' {"id": 2, "price": 3, "ok": false, "note": "x"}]'
    )
    assert infer_schema(records) == {
        "id": "integer",
        "meta": "object",
        "note": "null|string",
        "ok": "boolean",
        "price": "number",
        "tags": "array",
    }


@pytest.mark.parametrize("raw", [b"{not json", b"42", b"[1, 2]", b"[]", b'"text"'])
def test_rejects_unreadable_payloads(raw: bytes) -> None:
    with pytest.raises(UnreadablePayloadError):
        parse_json_records(raw)


def test_removed_field_is_breaking_added_field_is_not() -> None:
    before = {"customer_id": "string", "total": "integer"}
    removed = diff_schemas(before, {"total": "integer"})
    assert removed.removed == ("customer_id",) and removed.breaking
    assert removed.reasons() == ["removed field customer_id"]

    added = diff_schemas(before, {**before, "channel": "string"})
    assert added.added == ("channel",) and added.changed and not added.breaking


def test_widening_is_compatible_narrowing_is_breaking() -> None:
    widened = diff_schemas({"total": "integer"}, {"total": "number"})
    assert widened.changed and not widened.breaking
    nullable = diff_schemas({"total": "integer"}, {"total": "integer|null"})
    assert not nullable.breaking
    narrowed = diff_schemas({"total": "number"}, {"total": "string"})
    assert narrowed.breaking


def test_fingerprint_ignores_key_order() -> None:
    assert fingerprint({"a": "string", "b": "integer"}) == fingerprint(
        {"b": "integer", "a": "string"}
    )
    assert fingerprint({"a": "string"}) != fingerprint({"a": "integer"})
