"""The one error the activities services raise: `.message` is shown to the user as is (Chinese)."""

from fivestar.rating.services.errors import WorkflowError


class ActivityError(WorkflowError):
    """A step the activity records do not allow (wrong role, wrong state, bad input)."""
