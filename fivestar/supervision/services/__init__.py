"""Use cases of supervision (督导检查), one function each; pages, the field page, the API and the demo call these."""

from .access import can_manage, can_rectify, can_supervise, can_view, is_village_side
from .errors import SupervisionError
from .inspections import add_inspection_photo, record_inspection
from .plans import add_visit, generate_plan, monday, move_visit
from .problems import create_problem
from .scheduled import is_overdue, local_date, run_daily
from .settings import default_deadline, save_settings, settings_for
from .stats import rebuild_problem_stats
from .teams import save_team
from .transitions import (accept, add_problem_photo, change_deadline, reject, start_rectification,
                          submit_rectification)

__all__ = [
    "SupervisionError", "accept", "add_inspection_photo", "add_problem_photo", "add_visit", "can_manage", "can_rectify",
    "can_supervise", "can_view", "change_deadline", "create_problem", "default_deadline", "generate_plan", "is_overdue",
    "is_village_side", "local_date", "monday", "move_visit", "rebuild_problem_stats", "record_inspection", "reject",
    "run_daily", "save_settings", "save_team", "settings_for", "start_rectification", "submit_rectification",
]
