import pytest

from driftgate.profiler.domain.type_detection import (
    csv_cell_type,
    json_value_type,
    render_sample,
    string_type,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "null"),
        (True, "boolean"),
        (False, "boolean"),
        (0, "integer"),
        (2**70, "integer"),
        (1.0, "number"),
        (-2.5e-3, "number"),
        ("", "string"),
        ("hello", "string"),
        ({}, "object"),
        ([], "array"),
        ("2024-02-29", "date"),
        ("2024-02-29T10:20:30Z", "timestamp"),
    ],
)
def test_json_value_types(value: object, expected: str) -> None:
    assert json_value_type(value) == expected


def test_json_value_type_rejects_non_json_values() -> None:
    with pytest.raises(TypeError):
        json_value_type(object())


@pytest.mark.parametrize(
    "text",
    [
        "2024-01-31T10:20:30Z",
        "2024-01-31T10:20:30.123456+02:00",
        "2024-01-31T10:20:30-0500",
        "2024-01-31 10:20:30",
        "2024-01-31T10:20",
        "2024-01-31t23:59:60,5z",
    ],
)
def test_iso_8601_timestamps(text: str) -> None:
    assert string_type(text) == "timestamp"


@pytest.mark.parametrize(
    "text",
    [
        "2024-13-01",  # month 13
        "2024-00-10",
        "2024-01-32",
        "2024-01-31T24:00:00",
        "2024-01-31T10:61",
        "2024-01-31T10:20:30+25:00",
        "2024-1-31",
        "20240131",
        "2024-01-31T",
        " 2024-01-31",
        "2024-01-31\n",
        "31/01/2024",
    ],
)
def test_near_misses_stay_strings(text: str) -> None:
    assert string_type(text) == "string"


def test_dates_are_not_timestamps() -> None:
    assert string_type("1999-12-31") == "date"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("", "null"),
        ("0", "integer"),
        ("-42", "integer"),
        ("+7", "integer"),
        ("007", "integer"),
        ("3.14", "number"),
        ("-.5", "number"),
        ("1e10", "number"),
        ("2.", "number"),
        ("true", "boolean"),
        ("FALSE", "boolean"),
        ("yes", "string"),
        ("2024-01-31", "date"),
        ("2024-01-31T00:00:00Z", "timestamp"),
        (" ", "string"),
        ("1,000", "string"),
        ("NaN", "string"),
        ("null", "string"),
    ],
)
def test_csv_cells(cell: str, expected: str) -> None:
    assert csv_cell_type(cell) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, "true"), (False, "false"), (3, "3"), (0.1, "0.1"), ("x", "x")],
)
def test_samples_render_like_json(value: object, expected: str) -> None:
    assert render_sample(value) == expected
