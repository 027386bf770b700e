"""The one error the supervision services raise: its message is shown to the user as is (Chinese)."""

from fivestar.rating.services.errors import WorkflowError


class SupervisionError(WorkflowError):
    """A step supervision does not allow (wrong role, wrong status, bad input). Subclasses the rating
    `WorkflowError` so errors from the shared evidence upload (`store_evidence`) are caught the same way."""
