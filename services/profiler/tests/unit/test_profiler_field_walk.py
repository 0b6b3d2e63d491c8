from driftgate.profiler.domain.field_walk import (
    ProfileBuilder,
    profile_csv_rows,
    profile_records,
    walk_record,
)


def test_nested_objects_and_arrays_become_dot_and_bracket_paths() -> None:
    profile = profile_records(
        [
            {
                "user": {"address": {"city": "Oslo"}},
                "tags": ["a", "b"],
                "items": [{"sku": "X1", "qty": 1}, {"sku": "X2"}],
            }
        ]
    )
    assert profile.schema() == {
        "items": "array",
        "items[]": "object",
        "items[].qty": "integer",
        "items[].sku": "string",
        "tags": "array",
        "tags[]": "string",
        "user": "object",
        "user.address": "object",
        "user.address.city": "string",
    }


def test_presence_is_counted_per_parent_and_nulls_per_presence() -> None:
    profile = profile_records(
        [
            {"id": 1, "note": None, "items": [{"sku": "a", "qty": 1}, {"sku": "b"}]},
            {"id": 2, "note": "x", "items": [{"sku": "c", "qty": None}]},
            {"id": 3, "items": []},
            {"id": 4},
        ]
    )
    f = profile.fields
    assert profile.record_count == 4
    assert (f["id"].present, f["id"].parent_count, f["id"].required) == (4, 4, True)
    assert (f["note"].present, f["note"].nulls, f["note"].parent_count) == (2, 1, 4)
    assert f["note"].presence_ratio == 0.5 and f["note"].null_ratio == 0.5
    assert not f["note"].required
    assert (f["items"].present, f["items"].parent_count) == (3, 4)
    # Element paths count against elements: three item objects in total.
    assert (f["items[]"].present, f["items[]"].parent_count) == (3, 3)
    assert f["items[].sku"].required and f["items[].sku"].parent_count == 3
    qty = f["items[].qty"]
    assert (qty.present, qty.nulls, qty.parent_count) == (2, 1, 3)
    assert qty.type_name == "null|integer"


def test_nested_presence_counts_against_the_enclosing_object() -> None:
    profile = profile_records([{"user": {"zip": "1"}}, {"user": None}, {"user": {"zip": "2"}}])
    zip_code = profile.fields["user.zip"]
    assert zip_code.parent_count == 2 and zip_code.required
    assert profile.fields["user"].type_name == "null|object"


def test_disagreeing_values_make_a_union() -> None:
    profile = profile_records(
        [{"v": 1}, {"v": "2024-01-01"}, {"v": "2024-01-01T00:00:00Z"}, {"v": [1]}, {"v": 2.5}]
    )
    assert profile.fields["v"].types == frozenset(
        {"integer", "number", "date", "timestamp", "array"}
    )
    assert profile.fields["v"].type_name == "number|timestamp|date|array"


def test_samples_are_bounded_distinct_and_independent_of_order() -> None:
    records = [{"code": f"C{i % 50}", "n": i % 3, "flag": i % 2 == 0} for i in range(200)]
    forward = profile_records(records).fields
    backward = profile_records(list(reversed(records))).fields
    assert forward["code"].samples == backward["code"].samples
    assert len(forward["code"].samples) == 16
    assert len(set(forward["code"].samples)) == 16
    assert set(forward["n"].samples) == {"0", "1", "2"}
    assert set(forward["flag"].samples) == {"true", "false"}


def test_samples_come_from_the_sample_window_only() -> None:
    builder = ProfileBuilder(sample_window=2)
    for value in ["a", "b", "c", "d"]:
        walk_record(builder, {"v": value, "o": {"x": [value]}})
    fields = builder.build().fields
    assert set(fields["v"].samples) == {"a", "b"}
    assert set(fields["o.x[]"].samples) == {"a", "b"}
    assert fields["v"].present == 4


def test_null_objects_and_arrays_have_no_samples() -> None:
    fields = profile_records([{"o": {"k": 1}, "a": [1], "z": None}]).fields
    assert fields["o"].samples == fields["a"].samples == fields["z"].samples == ()


def test_csv_rows_are_typed_per_cell_and_empty_cells_are_null() -> None:
    profile = profile_csv_rows(
        [
            {"id": "1", "price": "2.5", "ok": "true", "day": "2024-01-01", "note": ""},
            {"id": "2", "price": "3", "ok": "false", "day": "", "note": "hi"},
        ]
    )
    assert profile.schema() == {
        "day": "null|date",
        "id": "integer",
        "note": "null|string",
        "ok": "boolean",
        "price": "number",
    }
    note = profile.fields["note"]
    assert (note.present, note.nulls, note.required) == (2, 1, True)
    assert set(profile.fields["price"].samples) == {"2.5", "3"}
