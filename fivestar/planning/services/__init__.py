"""Use cases of planning (targets, plans, the creation ledger, monthly commitments, responsibility letters), one
function each; pages, the API, the demo and the bench call these. Errors are PlanningError (Chinese `.message`)."""

from .access import can_commit, can_manage, can_view, can_work
from .commitments import add_months, grade_commitment, month_end, month_label, month_start, post_commitment, post_result
from .errors import PlanningError
from .gaps import default_deadline, gap_items, tasks_from_gaps
from .ledger import (add_task_evidence, is_overdue, save_task, set_task_status, suggested_owner, task_from_problem,
                     task_url)
from .letters import PLACEHOLDERS, letter_context, mark_signed, render_letter, start_letter_batch, validate_template
from .progress import progress_for, progress_summary
from .scheduled import run_planning_daily
from .settings import category_label, category_labels, grade_scale, planning_settings_for, save_planning_settings, town_of
from .stars import StarCatalog
from .stats import rebuild_ledger_stats
from .targets import RATING_NAMES, plan_check, save_plan, save_targets
from .targets_import import ImportResult, import_targets, targets_template, write_targets_template

__all__ = [
    "PLACEHOLDERS", "RATING_NAMES", "ImportResult", "PlanningError", "StarCatalog", "add_months", "add_task_evidence",
    "can_commit", "can_manage", "can_view", "can_work", "category_label", "category_labels", "default_deadline",
    "gap_items", "grade_commitment", "grade_scale", "import_targets", "is_overdue", "letter_context", "mark_signed",
    "month_end", "month_label", "month_start", "plan_check", "planning_settings_for", "post_commitment", "post_result",
    "progress_for", "progress_summary", "rebuild_ledger_stats", "render_letter", "run_planning_daily",
    "save_planning_settings", "save_plan", "save_targets", "save_task", "set_task_status", "start_letter_batch",
    "suggested_owner", "targets_template", "task_from_problem", "task_url", "tasks_from_gaps", "town_of",
    "validate_template", "write_targets_template",
]
