from .meetings import (Attendance, Briefing, Decision, Meeting, MeetingEvent, MeetingKind, MeetingSeries,
                       MeetingStatus)

__all__ = ["Attendance", "Briefing", "Decision", "Meeting", "MeetingEvent", "MeetingKind", "MeetingSeries", "MeetingStatus"]
