"""Run every ``benchmarks/bench_*.py`` module in turn (``make bench``), each in its own process.

A fresh interpreter per benchmark keeps one benchmark's leftovers (an emulator's in-memory
state, a grown heap that the cyclic collector must walk) from slowing the next one.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import time

import benchmarks


def main() -> int:
    names = sorted(
        info.name
        for info in pkgutil.iter_modules(benchmarks.__path__)
        if info.name.startswith("bench_")
    )
    failed = []
    for name in names:
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", f"benchmarks.{name}"], check=False)  # noqa: S603
        if done.returncode != 0:
            failed.append(name)
        print(f"== {name} done in {time.perf_counter() - started:.1f}s", flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
