"""Which towns' board figures (挂图作战, fivestar/boards) a change moved, told by the apps below boards.

Rating, planning, supervision and observation sit below boards and must not import it: they call these functions
inside the transaction of their change, and boards registers the one handler in its `ready()`. Without a handler
(boards not installed) the calls do nothing.
"""

from collections.abc import Callable, Iterable

_handlers: list[Callable[..., None]] = []


def register(handler: Callable[..., None]) -> None:
    if handler not in _handlers:
        _handlers.append(handler)


def towns_moved(town_ids: Iterable[int]) -> None:
    """These towns' villages changed (a holding, a target, an evaluation, a flag)."""
    ids = sorted({int(t) for t in town_ids if t})
    if ids:
        for handler in _handlers:
            handler(town_ids=ids)


def units_moved(unit_ids: Iterable[int]) -> None:
    """Units at any level changed (a kept count's rows: village up to province); the towns among them are marked."""
    ids = sorted({int(u) for u in unit_ids if u})
    if ids:
        for handler in _handlers:
            handler(unit_ids=ids)


def scope_moved(path: str) -> None:
    """Every town under this path changed (a round opened or recognised over a county or a province)."""
    if path:
        for handler in _handlers:
            handler(under_path=path)
