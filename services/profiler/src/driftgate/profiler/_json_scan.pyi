"""Typing for the native JSON array scan (services/profiler/native/json_scan.c)."""

from typing_extensions import Buffer

def last_element_end(text: Buffer, /) -> int: ...
