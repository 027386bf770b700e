"""Benchmark of a large framework import: a 5 MB YAML file made by repeating the shipped rural rules.

Prints the import time (read + validate outside the transaction, then the write) and the peak memory
of the process, next to a fixed reference workload timed in the same run, so a number from a busy or
slower machine can be compared: what matters is the ratio import / reference.

    .venv/bin/python bench/framework_import.py [--mb 4.9] [--rounds 1]

Uses a throwaway SQLite file in a temporary directory (never the developer's database). Targets on
this machine kind (2 cores): under 10 s and under 200 MB for 5 MB.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reference import reference  # noqa: E402  (the same workload in every benchmark)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def generate(path: Path, size: int, code: str) -> None:
    """In a child process, so that building the data does not count in this process's peak memory."""
    code_text = ("import sys; sys.path.insert(0, sys.argv[1]); from pathlib import Path; "
                 "from fivestar.standards.tests.big_framework import big_framework_yaml; "
                 "Path(sys.argv[2]).write_bytes(big_framework_yaml(int(sys.argv[3]), code=sys.argv[4]))")
    root = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "fivestar.settings.dev"}
    subprocess.run([sys.executable, "-c", code_text, root, str(path), str(size), code], check=True, env=env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=4.9, help="size of the generated YAML file in MB (default 4.9)")
    parser.add_argument("--rounds", type=int, default=1, help="import this many copies (different codes)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fivestar-bench-") as tmp:
        os.environ["DJANGO_SETTINGS_MODULE"] = "fivestar.settings.dev"
        os.environ["FIVESTAR_VAR_DIR"] = tmp
        os.environ.pop("DATABASE_URL", None)
        # Migrating loads every app's migrations; done in a child so this process is sized like a web worker.
        subprocess.run([sys.executable, "-m", "fivestar.cli", "migrate", "--noinput", "-v", "0"], check=True,
                       cwd=Path(__file__).resolve().parent.parent)
        import django

        django.setup()
        from fivestar.standards import services

        ref = reference()
        print(f"reference workload                 {ref:6.2f}s", flush=True)
        for n in range(args.rounds):
            path = Path(tmp) / f"bench-{n}.yaml"
            generate(path, int(args.mb * 1024 * 1024), f"bench-{n}")
            before = peak_mb()
            started = time.perf_counter()
            version = services.import_framework(path, None)
            seconds = time.perf_counter() - started
            print(f"import {path.stat().st_size / 1e6:4.1f} MB ({version.rule_count:,} rules)  {seconds:6.2f}s  "
                  f"= {seconds / ref:4.1f} × reference; peak memory {peak_mb():.0f} MB (before import {before:.0f} MB)",
                  flush=True)
        print(f"reference workload (again)         {reference():6.2f}s")


if __name__ == "__main__":
    main()
