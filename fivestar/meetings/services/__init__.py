"""Use cases of meetings, one function each; pages, the API and the demo call these. Errors are MeetingError."""

from .access import can_manage, can_view
from .briefing_job import start_briefing
from .errors import MeetingError
from .meetings import (add_decision, create_meeting, previous_decisions, previous_meeting, save_meeting, save_series,
                       set_attendance)

__all__ = ["MeetingError", "add_decision", "can_manage", "can_view", "create_meeting", "previous_decisions",
           "previous_meeting", "save_meeting", "save_series", "set_attendance", "start_briefing"]
