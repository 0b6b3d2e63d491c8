"""Every row of docs/profiler-rules.md, as a test."""

import pytest

from driftgate.profiler.domain.compatibility import (
    Compatibility,
    CompatibilityPolicy,
    relation,
)
from driftgate.profiler.domain.fields import FieldSpec, fingerprint_fields
from driftgate.profiler.domain.schema_diff import diff_fields
from driftgate.profiler.domain.status import VersionStatus
from driftgate.profiler.domain.types_lattice import narrows, widens
from driftgate.profiler.domain.verdicts import Baseline, Verdict, judge


def req(t: str) -> FieldSpec:
    return FieldSpec(type=t, required=True)


def opt(t: str) -> FieldSpec:
    return FieldSpec(type=t, required=False, presence_ratio=0.5)


def verdict(
    old: dict[str, FieldSpec],
    new: dict[str, FieldSpec],
    policy: CompatibilityPolicy = CompatibilityPolicy.BACKWARD,
    history: tuple[dict[str, FieldSpec], ...] = (),
) -> Verdict:
    accepted = [Baseline(i + 1, f) for i, f in enumerate(history)]
    active = Baseline(len(history) + 1, old)
    return judge(new, diff_fields(old, new), active, [*accepted, active], policy)


def test_first_version_is_active() -> None:
    v = judge({"a": req("string")}, None, None, [], CompatibilityPolicy.BACKWARD)
    assert v.status is VersionStatus.ACTIVE and v.compatibility is Compatibility.FULL


def test_added_field_is_compatible() -> None:
    v = verdict({"a": req("string")}, {"a": req("string"), "b": req("integer")})
    assert v.status is VersionStatus.ACTIVE and v.compatibility is Compatibility.FULL
    assert v.reasons == ("added field b",)


def test_removed_required_field_is_breaking() -> None:
    v = verdict({"customer_id": req("string"), "t": req("number")}, {"t": req("number")})
    assert v.status is VersionStatus.BREAKING
    assert v.violations == ("removed field customer_id (required in v1)",)


def test_removed_optional_field_is_not_breaking() -> None:
    v = verdict({"note": opt("string"), "t": req("number")}, {"t": req("number")})
    assert v.status is VersionStatus.ACTIVE
    assert v.reasons == ("removed field note (optional in v1)",)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("integer", "number"),
        ("string", "null|string"),
        ("integer", "integer|null"),
        ("timestamp", "string"),
        ("integer", "integer|string"),
    ],
)
def test_widening_is_backward_compatible(old: str, new: str) -> None:
    assert widens(old, new)
    assert verdict({"a": req(old)}, {"a": req(new)}).status is VersionStatus.ACTIVE


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("number", "integer"),
        ("string", "integer"),
        ("integer|string", "string"),
        ("object", "array"),
    ],
)
def test_other_type_changes_are_breaking(old: str, new: str) -> None:
    v = verdict({"a": req(old)}, {"a": req(new)})
    assert v.status is VersionStatus.BREAKING
    assert v.violations == (f"changed type of a from {old} to {new} (not a widening)",)


def test_forward_accepts_narrowing_and_null_rejects_widening() -> None:
    fwd = CompatibilityPolicy.FORWARD
    assert narrows("number", "integer") and narrows("string", "null|string")
    assert verdict({"a": req("number")}, {"a": req("integer")}, fwd).status is VersionStatus.ACTIVE
    assert (
        verdict({"a": req("string")}, {"a": req("null|string")}, fwd).status is VersionStatus.ACTIVE
    )
    widened = verdict({"a": req("integer")}, {"a": req("number")}, fwd)
    assert widened.status is VersionStatus.BREAKING
    assert widened.compatibility is Compatibility.BACKWARD


def test_full_needs_both_directions() -> None:
    full = CompatibilityPolicy.FULL
    assert verdict({"a": req("integer")}, {"a": req("number")}, full).breaking
    assert verdict({"a": req("number")}, {"a": req("integer")}, full).breaking
    assert not verdict(
        {"a": req("integer")}, {"a": req("integer"), "b": opt("string")}, full
    ).breaking


def test_none_policy_accepts_everything_but_reports_it() -> None:
    v = verdict({"a": req("string")}, {"b": req("integer")}, CompatibilityPolicy.NONE)
    assert v.status is VersionStatus.ACTIVE and v.compatibility is Compatibility.NONE
    assert "removed field a (required in v1)" in v.reasons


def test_transitive_checks_every_accepted_version() -> None:
    v1 = {"a": req("string"), "b": req("integer")}
    v2 = {"a": req("string"), "b": req("number")}  # widened: fine against v1
    v3 = {"a": req("string"), "b": req("integer")}  # fine against v2 under FORWARD only...
    plain = verdict(v2, v3, CompatibilityPolicy.FORWARD, history=(v1,))
    assert not plain.breaking
    # ...and FORWARD_TRANSITIVE also checks v1, which it satisfies too.
    assert not verdict(v2, v3, CompatibilityPolicy.FORWARD_TRANSITIVE, history=(v1,)).breaking
    # BACKWARD: v3 narrows v2's number back to integer: breaking, transitive or not.
    transitive = verdict(v2, v3, CompatibilityPolicy.BACKWARD_TRANSITIVE, history=(v1,))
    assert transitive.breaking
    # A field v1 required, absent from v2 (tolerated under NONE), breaks v4 transitively only.
    w1 = {"a": req("string"), "z": req("string")}
    w2 = {"a": req("string")}
    w3 = {"a": req("string"), "c": opt("integer")}
    assert not verdict(w2, w3, CompatibilityPolicy.BACKWARD, history=(w1,)).breaking
    trans = verdict(w2, w3, CompatibilityPolicy.BACKWARD_TRANSITIVE, history=(w1,))
    assert trans.violations == ("removed field z (required in v1)",)


def test_required_field_becoming_optional_is_reported_not_breaking() -> None:
    v = verdict({"a": req("string")}, {"a": opt("string")})
    assert not v.breaking
    assert v.reasons == ("field a became optional (required in v1)",)


def test_relation_names_the_strongest_compatibility() -> None:
    assert relation({"a": req("integer")}, {"a": req("number")}) is Compatibility.BACKWARD
    assert relation({"a": req("number")}, {"a": req("integer")}) is Compatibility.FORWARD
    assert relation({"a": req("number")}, {"a": req("string")}) is Compatibility.NONE


def test_policy_names_parse_with_transitive_variants() -> None:
    p = CompatibilityPolicy("FULL_TRANSITIVE")
    assert p.base is Compatibility.FULL and p.transitive
    assert not CompatibilityPolicy.BACKWARD.transitive


def test_fingerprint_covers_type_and_required_but_not_ratios() -> None:
    a = {"x": FieldSpec("string", True, 1.0, 0.0, ("s1",))}
    b = {"x": FieldSpec("string", True, 1.0, 0.4, ("s2",))}
    assert fingerprint_fields(a) == fingerprint_fields(b)
    assert fingerprint_fields(a) != fingerprint_fields({"x": FieldSpec("string", False, 0.9)})
    assert fingerprint_fields(a) != fingerprint_fields({"x": FieldSpec("null|string", True)})
