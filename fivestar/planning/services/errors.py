"""The one error the planning services raise: its `.message` is shown to the user as is (Chinese); `.details`
holds row-level messages (an import's 第N行：…)."""

from fivestar.rating.services.errors import WorkflowError


class PlanningError(WorkflowError):
    """A step planning does not allow (wrong role, wrong period, bad input). Subclasses the rating `WorkflowError`
    so errors from the shared evidence upload (`store_evidence`) are caught the same way."""
