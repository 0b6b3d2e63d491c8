"""Rename candidates: a removed field paired with an added one, scored by name and values.

Pure: it reads only the two versions' FieldProfiles. Name similarity compares the leaf names
token by token after case and separator normalisation (``userId`` = ``user_id``), allowing
abbreviations (``qty`` ~ ``quantity``, ``dob`` ~ ``date_of_birth``) and small typos (edit
distance). Value evidence is the overlap of the two fields' bottom-k value samples, trusted
less when a field has only a handful of distinct values (two boolean fields always overlap).
Types must be compatible. The measured precision and recall are in docs/profiler-rules.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from driftgate.profiler.domain.field_walk import split_path
from driftgate.profiler.domain.profile import FieldProfile

RENAME_THRESHOLD: Final = 0.7
"""Candidates scoring below this are not reported."""

_ABBREVIATION: Final = 0.9
_TYPO_FLOOR: Final = 0.8
"""Two different tokens count as the same word misspelt above this edit similarity."""
_MOVED_PARENT: Final = 0.85
"""A field that moved to another parent object is a weaker rename than one renamed in place."""
_RELIABLE_SAMPLES: Final = 6
"""Below this many distinct values on either side, value overlap is discounted."""
_VALUE_WEIGHT: Final = 0.9

_WORDS: Final = re.compile(r"[A-Z]+(?=[A-Z][a-z]|[0-9]|\b|_)|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


@dataclass(frozen=True)
class RenameCandidate:
    old: str
    new: str
    confidence: float
    name_similarity: float
    value_overlap: float | None
    """Share of the smaller sample found in the other; None without samples on both sides."""


def name_tokens(name: str) -> list[str]:
    """``homePhoneNumber`` / ``home-phone_number`` / ``HOME_PHONE_NUMBER`` → home, phone, number."""
    return [word.lower() for word in _WORDS.findall(name.replace("[]", ""))]


def edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance: an adjacent transposition (ie/ei) costs one edit."""
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        before, previous = previous, current
    return previous[-1]


def _edit_similarity(a: str, b: str) -> float:
    longest = max(len(a), len(b))
    return 1.0 - edit_distance(a, b) / longest if longest else 1.0


def _is_subsequence(short: str, long: str) -> bool:
    letters = iter(long)
    return all(ch in letters for ch in short)


def _abbreviates(short: str, long: str) -> bool:
    """``qty``/``quantity``, ``addr``/``address``: same first letter, letters in order."""
    return (
        2 <= len(short) < len(long)
        and short[0] == long[0]
        and not short.isdigit()
        and _is_subsequence(short, long)
    )


def _token_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if _abbreviates(a, b) or _abbreviates(b, a):
        return _ABBREVIATION
    if a.isdigit() or b.isdigit():
        return 0.0  # line1 vs line2 are different fields, not a typo
    similarity = _edit_similarity(a, b)
    return similarity if similarity >= _TYPO_FLOOR else 0.0


def _acronym(tokens: list[str], other: list[str]) -> bool:
    """``dob`` for ``date_of_birth``."""
    return len(tokens) == 1 and len(other) >= 2 and tokens[0] == "".join(t[0] for t in other)


def leaf_similarity(old: str, new: str) -> float:
    """Similarity of two field names in [0, 1]: a Dice score over best-matching tokens."""
    a, b = name_tokens(old), name_tokens(new)
    if not a or not b:
        return 1.0 if old == new else 0.0
    if a == b:
        return 1.0
    if _acronym(a, b) or _acronym(b, a):
        return _ABBREVIATION
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    unused = list(long)
    matched = 0.0
    for token in short:
        best = max(unused, key=lambda other: _token_similarity(token, other))
        score = _token_similarity(token, best)
        if score:
            matched += score
            unused.remove(best)
    return 2 * matched / (len(a) + len(b))


def name_similarity(old_path: str, new_path: str) -> float:
    old_parent, old_leaf = split_path(old_path)
    new_parent, new_leaf = split_path(new_path)
    score = leaf_similarity(old_leaf, new_leaf)
    if name_tokens(old_parent) != name_tokens(new_parent):
        score *= _MOVED_PARENT
    return score


def value_overlap(old: FieldProfile, new: FieldProfile) -> float | None:
    if not old.samples or not new.samples:
        return None
    a, b = set(old.samples), set(new.samples)
    return len(a & b) / min(len(a), len(b))


def _family(types: frozenset[str]) -> set[str]:
    """Non-null types, with integer folded into number (widening is not a different type)."""
    return {"number" if t == "integer" else t for t in types if t != "null"}


def types_compatible(old: FieldProfile, new: FieldProfile) -> bool:
    """Same types, or one side's types contain the other's; a field seen only null fits all."""
    a, b = _family(old.types), _family(new.types)
    return not a or not b or a <= b or b <= a


def score_pair(old: FieldProfile, new: FieldProfile) -> RenameCandidate | None:
    """Score one removed/added pair; None when their types are incompatible."""
    if not types_compatible(old, new):
        return None
    name = name_similarity(old.path, new.path)
    overlap = value_overlap(old, new)
    confidence = name
    if overlap is not None:
        distinct = min(len(set(old.samples)), len(set(new.samples)))
        reliability = min(1.0, distinct / _RELIABLE_SAMPLES)
        evidence = overlap * reliability
        confidence = max(name, _VALUE_WEIGHT * evidence + (1 - _VALUE_WEIGHT) * name)
    return RenameCandidate(old.path, new.path, round(confidence, 4), round(name, 4), overlap)


def detect_renames(
    removed: Sequence[FieldProfile],
    added: Sequence[FieldProfile],
    *,
    threshold: float = RENAME_THRESHOLD,
) -> list[RenameCandidate]:
    """Candidates above ``threshold``, each field in at most one, best first."""
    scored = [
        candidate
        for old in removed
        for new in added
        if (candidate := score_pair(old, new)) is not None and candidate.confidence >= threshold
    ]
    scored.sort(key=lambda c: (-c.confidence, c.old, c.new))
    taken_old: set[str] = set()
    taken_new: set[str] = set()
    chosen = []
    for candidate in scored:
        if candidate.old in taken_old or candidate.new in taken_new:
            continue
        taken_old.add(candidate.old)
        taken_new.add(candidate.new)
        chosen.append(candidate)
    return chosen
