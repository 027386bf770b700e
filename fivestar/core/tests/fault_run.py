"""`python -m fivestar.core.tests.fault_run ARGS…` runs `fivestar ARGS…` (a worker, a daily command) with test-only
slowdowns; `… fault_run web PORT WORKERS` runs gunicorn as `fivestar serve` does. The slowdowns, so that a kill -9 lands in the middle of a job on any machine.

FIVESTAR_FAULT_PATCH holds `;`-separated patches, applied after Django is set up and before the command runs:

    fivestar.planning.services.letters:render_with~0.5    call render_with 0.5 s late (a sleep before each call)
    fivestar.boards.figures:BATCH=2                        set a module constant (an int)

Nothing in the application reads this variable: the slowdowns exist only in the processes the fault tests start.
"""

import functools
import importlib
import os
import sys
import time


def _slowed(func, seconds: float):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        time.sleep(seconds)
        return func(*args, **kwargs)

    return wrapper


def apply(spec: str) -> None:
    for item in filter(None, (part.strip() for part in spec.split(";"))):
        target, _, rest = item.partition(":")
        module = importlib.import_module(target)
        if "~" in rest:
            name, seconds = rest.split("~", 1)
            setattr(module, name, _slowed(getattr(module, name), float(seconds)))
        else:
            name, value = rest.split("=", 1)
            setattr(module, name, int(value))


def web(port: str, workers: str) -> None:
    """gunicorn exactly as `fivestar serve` starts it (master, `workers` workers, supervised), without collecting the
    static files first: the tests use the dev settings, which serve them from the sources."""
    from fivestar import cli

    cli._supervise([cli._gunicorn(port, workers)])


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fivestar.settings.dev")
    if argv[:1] == ["web"]:
        web(*argv[1:3])
        return
    import django

    django.setup()
    apply(os.environ.get("FIVESTAR_FAULT_PATCH", ""))
    from fivestar.cli import main as fivestar

    fivestar(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
