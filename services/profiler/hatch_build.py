"""Hatchling build hook: compile the profiler's native typing modules (native/*.c).

``native/<name>.c`` becomes the module ``driftgate.profiler._<name>``; ``cell_rules.h`` holds
the typing rules they share.

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

NATIVE = Path("native")
PACKAGE_DIR = Path("src") / "driftgate" / "profiler"


def compile_module(root: Path, source: Path, target: Path) -> None:
    """Compile ``source`` into ``target``, a shared object importable as an extension module."""
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
        f"-I{root / NATIVE}",
        str(source),
        "-o",
        str(target),
    ]
    subprocess.run(command, check=True)  # noqa: S603 - the configured compiler on our source


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
        out = Path(tempfile.mkdtemp(prefix="driftgate-native-"))
        for source in sorted((root / NATIVE).glob("*.c")):
            name = f"_{source.stem}{suffix}"
            if version == "editable":
                compile_module(root, source, root / PACKAGE_DIR / name)
                continue
            compile_module(root, source, out / name)
            build_data["force_include"][str(out / name)] = f"driftgate/profiler/{name}"
        if version != "editable":
            build_data["pure_python"] = False
            build_data["infer_tag"] = True
