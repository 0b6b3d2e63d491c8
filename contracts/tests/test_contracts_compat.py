"""breaking_changes on crafted schema pairs: each rule fires, compatible changes pass."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from driftgate.contracts.events import PayloadLandedV1
from driftgate.contracts.schema_compat import breaking_changes
from driftgate.contracts.schema_export import event_schema


def obj(properties: dict[str, Any], required: list[str] | None = None, **extra: Any) -> dict:
    return {"type": "object", "properties": properties, "required": required or [], **extra}


STR: dict[str, Any] = {"type": "string"}
INT: dict[str, Any] = {"type": "integer"}
NULLABLE_STR: dict[str, Any] = {"anyOf": [STR, {"type": "null"}], "default": None}


def envelope(data: dict[str, Any], defs: dict[str, Any] | None = None) -> dict[str, Any]:
    """A schema shaped like the exported ones: data behind a $ref into $defs."""
    return {
        "$defs": {"Data": data, **(defs or {})},
        **obj({"id": STR, "data": {"$ref": "#/$defs/Data"}}, ["id", "data"]),
    }


BASE = envelope(
    obj(
        {
            "source_id": STR,
            "size": INT,
            "note": NULLABLE_STR,
            "severity": {"$ref": "#/$defs/Severity"},
            "tags": {"type": "array", "items": STR},
            "changes": {"type": "array", "items": {"$ref": "#/$defs/Change"}},
        },
        ["source_id", "size", "severity"],
        additionalProperties=False,
    ),
    {
        "Severity": {"enum": ["info", "warning", "critical"], "type": "string"},
        "Change": obj({"field": STR, "new_type": STR}, ["field", "new_type"]),
    },
)


def changed(edit: Any) -> dict[str, Any]:
    new = copy.deepcopy(BASE)
    edit(new)
    return new


def data_props(schema: dict[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = schema["$defs"]["Data"]["properties"]
    return props


def test_identical_schemas_are_compatible() -> None:
    assert breaking_changes(BASE, copy.deepcopy(BASE)) == []


def test_property_removed() -> None:
    new = changed(lambda s: data_props(s).pop("size"))
    assert breaking_changes(BASE, new) == ["data.size: property removed"]


def test_property_renamed_is_removed_plus_added() -> None:
    def rename(s: dict[str, Any]) -> None:
        data_props(s)["byte_size"] = data_props(s).pop("size")

    assert breaking_changes(BASE, changed(rename)) == [
        "data.size: property removed (renamed to 'byte_size'?)"
    ]


def test_renamed_required_field_also_reports_the_new_required_field() -> None:
    def rename(s: dict[str, Any]) -> None:
        data_props(s)["byte_size"] = data_props(s).pop("size")
        s["$defs"]["Data"]["required"] = ["source_id", "byte_size", "severity"]

    problems = breaking_changes(BASE, changed(rename))
    assert "data.byte_size: new required field" in problems
    assert "data.size: property removed (renamed to 'byte_size'?)" in problems


def test_type_narrowed() -> None:
    new = changed(lambda s: data_props(s).update(size={"type": "boolean"}))
    assert breaking_changes(BASE, new) == ["data.size: type narrowed from integer to boolean"]


def test_number_to_integer_is_narrowing_and_the_reverse_is_widening() -> None:
    number = changed(lambda s: data_props(s).update(size={"type": "number"}))
    assert breaking_changes(BASE, number) == []
    assert breaking_changes(number, BASE) == ["data.size: type narrowed from number to integer"]


def test_type_set_shrinks() -> None:
    old = obj({"v": {"type": ["string", "integer"]}})
    new = obj({"v": {"type": ["string"]}})
    assert breaking_changes(old, new) == ["v: type narrowed from integer|string to string"]
    assert breaking_changes(new, old) == []


def test_new_required_field() -> None:
    def add(s: dict[str, Any]) -> None:
        data_props(s)["region"] = STR
        s["$defs"]["Data"]["required"].append("region")

    assert breaking_changes(BASE, changed(add)) == ["data.region: new required field"]


def test_optional_field_becoming_required() -> None:
    new = changed(lambda s: s["$defs"]["Data"]["required"].append("tags"))
    assert breaking_changes(BASE, new) == ["data.tags: field became required"]


def test_enum_values_removed() -> None:
    new = changed(lambda s: s["$defs"]["Severity"]["enum"].remove("info"))
    assert breaking_changes(BASE, new) == ['data.severity: enum values removed: "info"']


def test_enum_introduced_on_a_free_string() -> None:
    new = changed(lambda s: data_props(s).update(source_id={"type": "string", "enum": ["a"]}))
    assert breaking_changes(BASE, new) == ['data.source_id: values restricted to ["a"]']


def test_const_changed() -> None:
    old = obj({"kind": {"const": "drift", "type": "string"}})
    new = obj({"kind": {"const": "alert", "type": "string"}})
    assert breaking_changes(old, new) == ['kind: value changed from "drift" to "alert"']


def test_nested_property_removed_through_array_items_and_refs() -> None:
    def drop(s: dict[str, Any]) -> None:
        change = s["$defs"]["Change"]
        change["properties"].pop("new_type")
        change["required"].remove("new_type")

    assert breaking_changes(BASE, changed(drop)) == ["data.changes[].new_type: property removed"]


def test_array_items_narrowed() -> None:
    new = changed(lambda s: data_props(s)["tags"].update(items=INT))
    assert breaking_changes(BASE, new) == ["data.tags[]: type narrowed from string to integer"]


def test_nullable_became_non_null() -> None:
    new = changed(lambda s: data_props(s).update(note=STR))
    assert breaking_changes(BASE, new) == [
        "data.note: nullable became non-null (null no longer accepted)"
    ]


def test_nullable_via_type_list_became_non_null() -> None:
    old = obj({"v": {"type": ["string", "null"]}})
    assert breaking_changes(old, obj({"v": STR})) == [
        "v: nullable became non-null (null no longer accepted)"
    ]


def test_union_member_removed() -> None:
    old = obj({"v": {"anyOf": [STR, INT, {"$ref": "#/$defs/Change"}]}})
    old["$defs"] = {"Change": obj({"field": STR}, title="Change")}
    new = copy.deepcopy(old)
    new["properties"]["v"]["anyOf"].pop(1)
    assert breaking_changes(old, new) == ["v: union member removed: integer"]
    new["properties"]["v"]["anyOf"].pop(1)
    assert breaking_changes(old, new) == [
        "v: union member removed: integer",
        "v: union member removed: object (Change)",
    ]


def test_change_inside_a_union_member_is_reported_at_its_path() -> None:
    old = obj({"v": {"anyOf": [obj({"a": STR, "b": INT}), {"type": "null"}]}})
    new = obj({"v": {"anyOf": [obj({"a": STR}), {"type": "null"}]}})
    assert breaking_changes(old, new) == ["v.b: property removed"]


def test_additional_properties_tightened() -> None:
    old = obj({"a": STR})
    assert breaking_changes(old, obj({"a": STR}, additionalProperties=False)) == [
        "<root>: additionalProperties tightened to false"
    ]
    assert breaking_changes(old, obj({"a": STR}, additionalProperties=STR)) == [
        "*: type narrowed from any to string"
    ]


def test_string_format_and_pattern_made_stricter() -> None:
    old = obj({"at": STR, "sha": {"type": "string", "pattern": "^[0-9a-f]+$"}})
    new = obj(
        {
            "at": {"type": "string", "format": "date-time"},
            "sha": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        }
    )
    assert breaking_changes(old, new) == [
        'at: format changed from none to "date-time"',
        'sha: pattern changed from "^[0-9a-f]+$" to "^[0-9a-f]{64}$"',
    ]
    # Regex inclusion is undecidable here, so any changed pattern counts; dropping one widens.
    assert breaking_changes(new, obj({"at": STR, "sha": STR})) == []


@pytest.mark.parametrize(
    ("old_bounds", "new_bounds", "expected"),
    [
        ({"maxLength": 64}, {"maxLength": 32}, "v: maxLength tightened from 64 to 32"),
        ({"minimum": 0}, {"minimum": 1}, "v: minimum tightened from 0 to 1"),
        ({}, {"maxItems": 3}, "v: maxItems tightened from none to 3"),
    ],
)
def test_bounds_tightened(
    old_bounds: dict[str, int], new_bounds: dict[str, int], expected: str
) -> None:
    assert breaking_changes(obj({"v": old_bounds}), obj({"v": new_bounds})) == [expected]
    assert breaking_changes(obj({"v": new_bounds}), obj({"v": old_bounds})) == []


def test_compatible_changes_pass() -> None:
    def evolve(s: dict[str, Any]) -> None:
        data_props(s)["region"] = NULLABLE_STR  # optional field added
        data_props(s)["size"] = {"anyOf": [INT, STR]}  # type widened to a union
        data_props(s)["source_id"] = {}  # constraint dropped entirely
        s["$defs"]["Severity"]["enum"].append("page")  # enum value added
        s["$defs"]["Data"]["required"].remove("severity")  # required relaxed
        s["$defs"]["Change"]["properties"]["old_type"] = NULLABLE_STR
        s["properties"]["subject"] = NULLABLE_STR

    assert breaking_changes(BASE, changed(evolve)) == []


def test_recursive_schemas_terminate() -> None:
    def tree(child_types: list[dict[str, Any]]) -> dict[str, Any]:
        node = obj({"name": STR, "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}})
        node["properties"]["value"] = {"anyOf": [*child_types, {"$ref": "#/$defs/Node"}]}
        return {"$defs": {"Node": node}, "$ref": "#/$defs/Node"}

    assert breaking_changes(tree([STR, INT]), tree([STR, INT])) == []
    assert breaking_changes(tree([STR, INT]), tree([STR])) == [
        "value: union member removed: integer"
    ]


def test_real_event_schema_against_an_incompatible_edit() -> None:
    old = event_schema(PayloadLandedV1)
    new = copy.deepcopy(old)
    props = new["$defs"]["PayloadLandedV1"]["properties"]
    props["size"] = props.pop("size_bytes")
    new["$defs"]["PayloadLandedV1"]["required"].append("region")
    props["region"] = STR
    new["properties"]["traceparent"] = new["properties"]["traceparent"]["anyOf"][0]

    assert breaking_changes(old, new) == [
        "traceparent: nullable became non-null (null no longer accepted)",
        "data.size_bytes: property removed",
        "data.region: new required field",
    ]
