"""Records kept once and read by metric rules: mentoring pairs, activities with attendance, awards and honours,
三零 risk checks and incidents, campaign projects with their funding."""

from .campaigns import CampaignProject, Funding
from .honours import Award, Honour
from .mentoring import MentoringPair
from .safety import Incident, RiskCheck
from .sessions import ActivityKind, ActivitySession, Attendance

__all__ = ["ActivityKind", "ActivitySession", "Attendance", "Award", "CampaignProject", "Funding", "Honour",
           "Incident", "MentoringPair", "RiskCheck"]
