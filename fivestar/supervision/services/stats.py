"""Kept problem counts (ProblemStats) per unit (village up to province), per area and per team.

Every change that moves a problem's figures applies a delta in the change's own transaction, one UPDATE per row,
in one global row order (units, then areas, then teams, each by id); `rebuild_problem_stats` recomputes every row
with grouped queries. The mechanism is shared with the creation ledger's counts: fivestar/core/kept_counts.py.
"""

from fivestar.core.kept_counts import CHUNK, Deltas as _Deltas, KeptCounts, delta, empty, is_zero, unit_ids_above

from ..models import Problem, ProblemStats
from ..models.problem import OPEN_STATUSES, ProblemStatus

KINDS = ("unit", "area", "team")  # the global lock order across kinds
STATUSES = tuple(ProblemStatus.values)
KEPT = KeptCounts(ProblemStats, Problem, STATUSES, OPEN_STATUSES,
                  {"unit": None, "area": "org_unit__area_id", "team": "team_id"})

__all__ = ["CHUNK", "Deltas", "KEPT", "KINDS", "STATUSES", "apply", "contribution", "delta", "differences", "empty",
           "expected_figures", "is_zero", "keys_for", "kept_figures", "problem_keys", "rebuild_problem_stats",
           "unit_ids_above"]


def contribution(status: str, overdue: bool) -> dict:
    """What one problem adds to every row it counts in."""
    return KEPT.contribution(status, overdue)


def keys_for(unit_ids: list[int], area_id: int | None, team_id: int | None) -> list[tuple[str, int]]:
    return KEPT.keys(unit_ids, area=area_id, team=team_id)


def problem_keys(problem: Problem, unit_ids: list[int] | None = None) -> list[tuple[str, int]]:
    village = problem.org_unit
    if unit_ids is None:
        unit_ids = unit_ids_above([village.path])[village.path]
    return keys_for(unit_ids, village.area_id, problem.team_id)


class Deltas(_Deltas):
    """Deltas gathered over a batch of problems, applied once per row in the global order."""

    def __init__(self):
        super().__init__(KEPT)


def apply(keys, d: dict) -> None:
    KEPT.apply(keys, d)


def expected_figures() -> dict[tuple[str, int], dict]:
    return KEPT.expected_figures()


def kept_figures() -> dict[tuple[str, int], dict]:
    return KEPT.kept_figures()


def differences() -> list[tuple[str, int]]:
    """Rows whose kept figures differ from a rebuild (missing rows with all zeros count as equal)."""
    return KEPT.differences()


def rebuild_problem_stats() -> int:
    """Recompute every kept row from the problems; returns how many rows there are afterwards."""
    return KEPT.rebuild()
