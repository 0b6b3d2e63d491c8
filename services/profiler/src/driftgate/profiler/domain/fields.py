"""A registered field: what a schema version remembers about one path."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

import orjson

from driftgate.profiler.domain.profile import PayloadProfile


@dataclass(frozen=True)
class FieldSpec:
    """Type, presence and nullability of one field path in a schema version."""

    type: str
    """Canonical type name, ``|``-joined for unions (``null|string``)."""
    required: bool
    """Present in every record (or array element) that could hold it."""
    presence_ratio: float = 1.0
    null_ratio: float = 0.0
    samples: tuple[str, ...] = ()
    """Sampled values, the value evidence for rename detection; not part of the identity."""

    @property
    def nullable(self) -> bool:
        return "null" in self.type.split("|")


Fields = Mapping[str, FieldSpec]


def fields_from_profile(profile: PayloadProfile) -> dict[str, FieldSpec]:
    """The registry's view of a payload profile."""
    return {
        path: FieldSpec(
            type=f.type_name,
            required=f.required,
            presence_ratio=round(f.presence_ratio, 4),
            null_ratio=round(f.null_ratio, 4),
            samples=f.samples,
        )
        for path, f in sorted(profile.fields.items())
    }


def fingerprint_fields(fields: Fields) -> str:
    """Identity of a schema: paths, types and required-ness. Ratios and samples vary per payload
    and would otherwise mint a new version for every payload."""
    identity = {path: [spec.type, spec.required] for path, spec in fields.items()}
    return hashlib.sha256(orjson.dumps(identity, option=orjson.OPT_SORT_KEYS)).hexdigest()
