"""Hatchling build hook: compile the profiler's native CSV scanner (native/csv_scan.c).

An editable install (what ``uv sync`` makes of a workspace member) gets the module built in
place beside the sources; a wheel gets it as a platform file. Needs a C compiler and the
Python headers, which ``make install`` checks for (see docs/adr/0011).
"""

from __future__ import annotations

import shlex
import subprocess
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = Path("native") / "csv_scan.c"
MODULE = "_csv_scan"
PACKAGE_DIR = Path("src") / "driftgate" / "profiler"


def compile_scanner(root: Path, target: Path) -> None:
    """Compile the scanner into ``target`` (a shared object importable as ``_csv_scan``)."""
    compiler = shlex.split(sysconfig.get_config_var("CC") or "cc")
    include = sysconfig.get_paths()["include"]
    command = [
        *compiler,
        "-O3",
        "-std=c11",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-fPIC",
        "-shared",
        f"-I{include}",
        str(root / SOURCE),
        "-o",
        str(target),
    ]
    subprocess.run(command, check=True)  # noqa: S603 - the configured compiler on our source


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        name = MODULE + (sysconfig.get_config_var("EXT_SUFFIX") or ".so")
        if version == "editable":
            compile_scanner(root, root / PACKAGE_DIR / name)
            return
        built = Path(tempfile.mkdtemp(prefix="driftgate-csv-scan-")) / name
        compile_scanner(root, built)
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        build_data["force_include"][str(built)] = f"driftgate/profiler/{name}"
