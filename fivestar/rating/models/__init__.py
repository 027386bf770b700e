from .assessment import Assessment, AssessmentEvent, Status
from .awards import RoundResult, StarHolding, VetoEvent
from .evidence import Evidence
from .notice import Objection, ObjectionQuota
from .round import Round
from .seen import ReviewSeen
from .stats import RoundUnitStats

__all__ = [
    "Assessment", "AssessmentEvent", "Evidence", "Objection", "ObjectionQuota", "ReviewSeen", "Round", "RoundResult", "RoundUnitStats",
    "StarHolding", "Status", "VetoEvent",
]
