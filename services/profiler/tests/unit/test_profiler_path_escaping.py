"""Keys that contain the path syntax (``.``, ``[``, ``]``, ``\\``) never collide with nesting."""

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from driftgate.profiler.domain.fast_inference import walk_records
from driftgate.profiler.domain.field_walk import (
    ProfileBuilder,
    child_path,
    element_path,
    profile_records,
    split_path,
)
from driftgate.profiler.domain.rename_detection import detect_renames, name_similarity
from driftgate.profiler.readers import profile_bytes

KEYS = st.sampled_from(["a", "b", "a.b", "b[]", "[]", "x\\", "\\.", ".", "c]"])
VALUES = st.recursive(
    st.integers(0, 3) | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=8,
)


def _key_paths(value: Any, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    """Every path as a tuple of raw keys (``[]`` for elements): the truth paths must mirror."""
    found: set[tuple[str, ...]] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            found.add((*prefix, "k:" + key))
            found |= _key_paths(inner, (*prefix, "k:" + key))
    elif isinstance(value, list):
        for inner in value:
            found.add((*prefix, "[]"))
            found |= _key_paths(inner, (*prefix, "[]"))
    return found


def test_a_dotted_key_and_a_nested_key_are_two_paths() -> None:
    profile = profile_bytes(b'{"a.b": 1, "a": {"b": "x"}, "t[]": [true]}', "json")
    assert profile.schema() == {
        "a": "object",
        "a.b": "string",
        "a\\.b": "integer",
        "t\\[\\]": "array",
        "t\\[\\][]": "boolean",
    }


def test_split_path_undoes_child_path() -> None:
    for parent in ("", "a", "a\\.b", "x\\\\"):
        for key in ("b", "b.c", "b\\", "\\.", "c]"):
            path = child_path(parent, key)
            assert split_path(path) == (parent, child_path("", key))
    assert split_path(element_path("a\\.b")) == ("", "a\\.b[]")


@settings(max_examples=200)
@given(st.lists(st.dictionaries(KEYS, VALUES, max_size=4), min_size=1, max_size=20))
def test_paths_are_one_to_one_with_key_paths_fast_and_reference(
    records: list[dict[str, Any]],
) -> None:
    reference = profile_records(records)
    builder = ProfileBuilder()
    walk_records(builder, records)
    assert builder.build() == reference
    truth: set[tuple[str, ...]] = set()
    for record in records:
        truth |= _key_paths(record)
    assert len(reference.fields) == len(truth)


def test_renames_read_the_leaf_of_an_escaped_path() -> None:
    # "first.name" is one key: its leaf is the whole key, under the same parent "user".
    assert name_similarity("user.first\\.name", "user.first_name") == 1.0
    old = profile_records([{"user": {"first.name": f"n{i}"}} for i in range(20)])
    new = profile_records([{"user": {"first_name": f"n{i}"}} for i in range(20)])
    found = detect_renames([old.fields["user.first\\.name"]], [new.fields["user.first_name"]])
    assert [(r.old, r.new) for r in found] == [("user.first\\.name", "user.first_name")]
