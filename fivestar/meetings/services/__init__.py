"""Use cases of meetings, one function each; pages, the API and the demo call these. Errors are MeetingError."""

from .access import can_edit_series, can_manage, can_view, outranked
from .briefing_job import start_briefing
from .errors import MeetingError
from .meetings import (add_decision, check_series_rights, create_meeting, previous_decisions, previous_meeting,
                       save_meeting, save_series, set_attendance, set_series_active)

__all__ = ["MeetingError", "add_decision", "can_edit_series", "can_manage", "can_view", "check_series_rights",
           "create_meeting", "outranked", "previous_decisions", "previous_meeting", "save_meeting", "save_series",
           "set_attendance", "set_series_active", "start_briefing"]
