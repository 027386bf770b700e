"""Errors the project services raise: `.message` is shown to the user as is (Chinese)."""

from fivestar.rating.services.errors import WorkflowError


class ProjectError(WorkflowError):
    """Bad input or a step the project's state does not allow (→ 400)."""


class ProjectDenied(ProjectError):
    """The user sees the project but lacks the authority for this step (→ 403)."""
