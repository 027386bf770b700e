from .assessment import Assessment, AssessmentEvent, Status
from .awards import RoundResult, StarHolding, VetoEvent
from .evidence import Evidence
from .notice import Objection, ObjectionQuota
from .round import Round, RoundTownStats
from .seen import ReviewSeen

__all__ = [
    "Assessment", "AssessmentEvent", "Evidence", "Objection", "ObjectionQuota", "ReviewSeen", "Round", "RoundResult", "RoundTownStats",
    "StarHolding", "Status", "VetoEvent",
]
