from .assessment import Assessment, AssessmentEvent, Status
from .awards import RoundResult, StarHolding, VetoEvent
from .evidence import Evidence
from .notice import Objection, ObjectionQuota
from .round import Round, RoundTownStats

__all__ = [
    "Assessment", "AssessmentEvent", "Evidence", "Objection", "ObjectionQuota", "Round", "RoundResult", "RoundTownStats",
    "StarHolding", "Status", "VetoEvent",
]
