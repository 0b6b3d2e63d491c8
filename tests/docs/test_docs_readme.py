"""The README stays true: every setting is documented, and the quick start leads."""

import re
from pathlib import Path

import pytest
from pydantic_settings import BaseSettings

from driftgate.ingest.settings import IngestSettings
from driftgate.notifier.settings import NotifierSettings
from driftgate.profiler.settings import ProfilerSettings
from driftgate.runtime.settings import AwsSettings, RuntimeSettings
from driftgate.status.settings import StatusSettings

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def env_names(settings: type[BaseSettings]) -> list[str]:
    prefix = settings.model_config.get("env_prefix", "")
    names = []
    for name, field in settings.model_fields.items():
        alias = field.validation_alias
        names.append(alias if isinstance(alias, str) else f"{prefix}{name}".upper())
    return names


@pytest.mark.parametrize(
    "settings",
    [
        AwsSettings,
        RuntimeSettings,
        IngestSettings,
        ProfilerSettings,
        NotifierSettings,
        StatusSettings,
    ],
)
def test_every_setting_is_in_the_configuration_table(settings: type[BaseSettings]) -> None:
    table = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    missing = [name for name in env_names(settings) if f"`{name}`" not in table]
    assert missing == []


def normalise(value: str) -> str | float:
    try:
        return float(value)
    except ValueError:
        return value


def test_every_documented_default_matches_the_code() -> None:
    table = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = dict(re.findall(r"^\| `([A-Z0-9_]+)` \| `([^`]+)` \|", table, re.MULTILINE))
    classes: list[type[BaseSettings]] = [
        AwsSettings,
        RuntimeSettings,
        IngestSettings,
        ProfilerSettings,
        NotifierSettings,
        StatusSettings,
    ]
    actual: dict[str, str] = {}
    for settings in classes:
        for env, field in zip(env_names(settings), settings.model_fields.values(), strict=True):
            actual[env] = str(field.default)
    checked = {env: value for env, value in documented.items() if env in actual}
    assert len(checked) >= 15
    mismatched = {
        env: (value, actual[env])
        for env, value in checked.items()
        if normalise(value) != normalise(actual[env])
    }
    assert mismatched == {}


def test_quick_start_gives_the_two_commands_first() -> None:
    quick = README.split("## Quick start", 1)[1]
    first_block = quick.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in first_block.strip().splitlines()]
    assert commands == ["make run", "make test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text()
