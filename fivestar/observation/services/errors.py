"""The one error the observation services raise: `.message` is shown to the user as is (Chinese)."""

from fivestar.rating.services.errors import WorkflowError


class ObservationError(WorkflowError):
    """A step observation or flags do not allow (wrong role, wrong state, bad input)."""
