"""Rename detection measured on labelled cases (tests/data/renames.json).

Each case pairs a field removed from the prior version with one added in the new version.
The figures printed here are the ones documented in docs/profiler-rules.md; the floors sit
a little below them, so a regression fails the test.
"""

import json
from pathlib import Path
from typing import Any

import pytest

from driftgate.profiler.domain.profile import FieldProfile
from driftgate.profiler.domain.rename_detection import (
    RENAME_THRESHOLD,
    detect_renames,
    name_similarity,
    name_tokens,
    types_compatible,
)

CASES = json.loads((Path(__file__).parents[1] / "data" / "renames.json").read_text())["cases"]
PRECISION_FLOOR = 0.93
RECALL_FLOOR = 0.93


def field(spec: dict[str, Any], present: int = 100) -> FieldProfile:
    return FieldProfile(
        path=spec["path"],
        types=frozenset(spec["types"]),
        present=present,
        nulls=0,
        parent_count=present,
        samples=tuple(spec["samples"]),
    )


def predicted(case: dict[str, Any]) -> bool:
    return bool(detect_renames([field(case["old"])], [field(case["new"])]))


def test_dataset_is_labelled_and_varied() -> None:
    kinds = {c["kind"] for c in CASES}
    assert len(CASES) >= 40
    assert {"case_separator", "abbreviation", "value_only", "hard_negative"} <= kinds
    assert sum(not c["rename"] for c in CASES) >= 15


def test_precision_and_recall_at_the_threshold() -> None:
    tp = sum(1 for c in CASES if c["rename"] and predicted(c))
    fp = [c["id"] for c in CASES if not c["rename"] and predicted(c)]
    fn = [c["id"] for c in CASES if c["rename"] and not predicted(c)]
    precision = tp / (tp + len(fp))
    recall = tp / (tp + len(fn))
    print(
        f"threshold={RENAME_THRESHOLD} cases={len(CASES)} tp={tp} fp={fp} fn={fn} "
        f"precision={precision:.3f} recall={recall:.3f}"
    )
    assert precision >= PRECISION_FLOOR
    assert recall >= RECALL_FLOOR


@pytest.mark.parametrize("kind", ["case_separator", "abbreviation", "typo"])
def test_every_name_only_rename_is_found(kind: str) -> None:
    missed = [c["id"] for c in CASES if c["kind"] == kind and not predicted(c)]
    assert missed == []


def test_one_to_one_assignment_prefers_the_best_pair() -> None:
    cases = {c["id"]: c for c in CASES}
    removed = [field(cases[i]["old"]) for i in ("case_separator-01", "abbreviation-12")]
    added = [field(cases[i]["new"]) for i in ("abbreviation-12", "case_separator-01")]
    found = {(c.old, c.new) for c in detect_renames(removed, added)}
    assert found == {("userId", "user_id"), ("qty", "quantity")}


def test_a_field_is_used_at_most_once() -> None:
    old = field({"path": "userId", "types": ["integer"], "samples": []})
    new = [
        field({"path": "user_id", "types": ["integer"], "samples": []}),
        field({"path": "UserID", "types": ["integer"], "samples": []}),
    ]
    assert len(detect_renames([old], new)) == 1


def test_incompatible_types_are_never_candidates() -> None:
    old = field({"path": "userId", "types": ["integer"], "samples": ["1"]})
    new = field({"path": "user_id", "types": ["boolean"], "samples": ["1"]})
    assert not types_compatible(old, new)
    assert detect_renames([old], [new]) == []


def test_widening_and_null_only_fields_are_compatible() -> None:
    ints = field({"path": "a", "types": ["integer"], "samples": []})
    numbers = field({"path": "b", "types": ["null", "number"], "samples": []})
    nulls = field({"path": "c", "types": ["null"], "samples": []})
    assert types_compatible(ints, numbers)
    assert types_compatible(nulls, ints)


def test_names_are_normalised_for_case_and_separators() -> None:
    assert name_tokens("homePhoneNumber") == name_tokens("HOME-PHONE_number")
    assert name_similarity("user.zipCode", "user.zip_code") == 1.0
    # Moving to another parent object costs a little.
    assert 0.7 < name_similarity("zip_code", "address.zipCode") < 1.0
