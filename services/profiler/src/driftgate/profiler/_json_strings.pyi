"""Typing for the native JSON string typing (services/profiler/native/json_strings.c)."""

from collections.abc import Sequence

def string_classes(values: Sequence[object], /) -> int | None: ...
