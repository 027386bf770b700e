"""Kept ledger counts (LedgerStats) per year, per unit (village up to province) and per area, moved by every
change in its own transaction; the shared mechanism (deltas in one global row order, rebuild with grouped
queries) is fivestar/core/kept_counts.py, the one supervision's ProblemStats uses too."""

from fivestar.core.kept_counts import KeptCounts, delta, unit_ids_above

from ..models import LedgerStats, LedgerTask
from ..models.ledger import OPEN_TASK_STATUSES, TaskStatus

KEPT = KeptCounts(LedgerStats, LedgerTask, TaskStatus.values, OPEN_TASK_STATUSES,
                  {"unit": None, "area": "org_unit__area_id"}, partition="year")

__all__ = ["KEPT", "apply", "contribution", "delta", "differences", "rebuild_ledger_stats", "task_keys", "unit_ids_above"]


def contribution(status: str, overdue: bool) -> dict:
    return KEPT.contribution(status, overdue)


def task_keys(task, unit_ids: list[int] | None = None) -> list[tuple]:
    village = task.org_unit
    if unit_ids is None:
        unit_ids = unit_ids_above([village.path])[village.path]
    return KEPT.keys(unit_ids, task.year, area=village.area_id)


def apply(keys, d: dict) -> None:
    KEPT.apply(keys, d)


def differences() -> list[tuple]:
    """(kind, id, year) of the kept rows that differ from a rebuild."""
    return KEPT.differences()


def rebuild_ledger_stats() -> int:
    """Recompute every kept ledger row from the tasks; returns how many rows there are afterwards."""
    return KEPT.rebuild()
