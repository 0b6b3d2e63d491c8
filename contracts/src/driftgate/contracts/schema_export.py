"""Generate, write and check the committed JSON Schema of every event type and version.

``python -m driftgate.contracts.schema_export --write`` regenerates ``contracts/schemas/``;
``--check`` exits 1 when a committed schema is missing or differs from the generated one.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import orjson

from driftgate.contracts.catalog import EVENT_MODELS
from driftgate.contracts.envelope import CloudEvent, EventData

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

# contracts/src/driftgate/contracts/schema_export.py -> contracts/schemas
SCHEMAS_DIR = Path(__file__).resolve().parents[3] / "schemas"


def schema_filename(model: type[EventData]) -> str:
    return f"{model.schema_id()}.json"


def event_schema(model: type[EventData]) -> dict[str, Any]:
    """The JSON Schema of the whole CloudEvent envelope carrying ``model`` as its data."""
    envelope: type[CloudEvent[Any]] = CloudEvent[model]  # type: ignore[valid-type]
    schema = envelope.model_json_schema()
    schema["$schema"] = JSON_SCHEMA_DIALECT
    schema["$id"] = model.dataschema_uri()
    schema["title"] = model.event_type()
    # The envelope only checks the shape of `type`; for one event the value is fixed, and
    # catalog.parse_event picks the data model by that value.
    schema["properties"]["type"]["const"] = model.event_type()
    return schema


def render(schema: dict[str, Any]) -> str:
    """Stable text form: sorted keys, two-space indent, trailing newline."""
    return orjson.dumps(schema, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode() + "\n"


def generate(models: Iterable[type[EventData]] = EVENT_MODELS) -> dict[str, str]:
    """Rendered schema text keyed by file name, e.g. ``payload.landed.v1.json``."""
    return {schema_filename(model): render(event_schema(model)) for model in models}


def write_schemas(
    directory: Path = SCHEMAS_DIR, models: Iterable[type[EventData]] = EVENT_MODELS
) -> list[Path]:
    """Write every schema whose text changed; return the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, text in generate(models).items():
        path = directory / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def stale_schemas(
    directory: Path = SCHEMAS_DIR, models: Iterable[type[EventData]] = EVENT_MODELS
) -> list[str]:
    """File names of committed schemas that are missing or differ from the generated ones."""
    stale: list[str] = []
    for name, text in generate(models).items():
        path = directory / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(name)
    return stale


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m driftgate.contracts.schema_export",
        description="Generate the committed JSON Schemas of the driftgate event contracts.",
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="(re)write the schema files")
    mode.add_argument("--check", action="store_true", help="exit 1 if any schema is stale")
    parser.add_argument("--dir", type=Path, default=SCHEMAS_DIR, help="schemas directory")
    args = parser.parse_args(argv)
    directory: Path = args.dir

    if args.write:
        for path in write_schemas(directory):
            print(f"wrote {path}")
        return 0
    stale = stale_schemas(directory)
    for name in stale:
        print(f"stale schema: {directory / name} (run `make schemas`)", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
