"""Committed JSON Schemas: present for every event, current, and compatible with the models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from driftgate.contracts import EVENT_MODELS, EventData
from driftgate.contracts.schema_compat import breaking_changes
from driftgate.contracts.schema_export import (
    SCHEMAS_DIR,
    event_schema,
    generate,
    main,
    render,
    schema_filename,
)

CONTRACTS_DIR = Path(__file__).resolve().parents[1]
MODEL_IDS = [model.schema_id() for model in EVENT_MODELS]


def committed(model: type[EventData]) -> dict[str, Any]:
    path = SCHEMAS_DIR / schema_filename(model)
    assert path.is_file(), f"{path} is missing: run `make schemas`"
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def test_schemas_dir_is_contracts_schemas() -> None:
    assert CONTRACTS_DIR / "schemas" == SCHEMAS_DIR


@pytest.mark.parametrize("model", EVENT_MODELS, ids=MODEL_IDS)
def test_committed_schema_equals_the_generated_one(model: type[EventData]) -> None:
    committed(model)
    text = (SCHEMAS_DIR / schema_filename(model)).read_text(encoding="utf-8")
    assert text == render(event_schema(model)), "run `make schemas` and commit the result"


@pytest.mark.parametrize("model", EVENT_MODELS, ids=MODEL_IDS)
def test_committed_schema_has_no_breaking_change(model: type[EventData]) -> None:
    """Fails when a model changes incompatibly: that change needs a new event version."""
    assert breaking_changes(committed(model), event_schema(model)) == []


def test_every_committed_schema_belongs_to_an_event_model() -> None:
    expected = {schema_filename(model) for model in EVENT_MODELS}
    assert {path.name for path in SCHEMAS_DIR.glob("*.json")} == expected


@pytest.mark.parametrize("model", EVENT_MODELS, ids=MODEL_IDS)
def test_schema_describes_the_whole_envelope_of_one_event(model: type[EventData]) -> None:
    schema = event_schema(model)

    assert schema["$id"] == model.dataschema_uri()
    assert schema["title"] == model.event_type()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["type"]["const"] == model.event_type()
    assert {"specversion", "id", "source", "type", "time", "traceparent", "tracestate"} <= set(
        schema["properties"]
    )
    assert schema["properties"]["data"] == {"$ref": f"#/$defs/{model.__name__}"}
    # CloudEvents consumers must accept (and forward) extension attributes they do not know.
    assert schema["additionalProperties"] is True


def test_rendering_is_stable_sorted_and_ends_with_a_newline() -> None:
    text = render({"b": 1, "a": {"d": [3, 1], "c": None}})
    assert (
        text
        == '{\n  "a": {\n    "c": null,\n    "d": [\n      3,\n      1\n    ]\n  },\n  "b": 1\n}\n'
    )
    assert generate() == generate()


def test_check_reports_missing_and_changed_schemas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--check", "--dir", str(tmp_path)]) == 1
    missing = capsys.readouterr().err
    for model in EVENT_MODELS:
        assert schema_filename(model) in missing

    assert main(["--write", "--dir", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(generate())
    assert main(["--check", "--dir", str(tmp_path)]) == 0

    changed = tmp_path / schema_filename(EVENT_MODELS[0])
    changed.write_text(changed.read_text(encoding="utf-8").replace('"title"', '"Title"', 1))
    capsys.readouterr()
    assert main(["--check", "--dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert schema_filename(EVENT_MODELS[0]) in err
    assert schema_filename(EVENT_MODELS[1]) not in err


def test_write_only_touches_stale_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["--write", "--dir", str(tmp_path)])
    capsys.readouterr()
    assert main(["--write", "--dir", str(tmp_path)]) == 0
    assert capsys.readouterr().out == ""


def test_committed_schemas_pass_the_check() -> None:
    assert main(["--check"]) == 0
