"""The one error the meeting services raise: its `.message` is shown to the user as is (Chinese)."""

from fivestar.rating.services.errors import WorkflowError


class MeetingError(WorkflowError):
    """A step meetings do not allow (wrong role, bad input, a meeting already held)."""
