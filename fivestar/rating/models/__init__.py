from .assessment import Assessment, AssessmentEvent, Status
from .awards import RoundResult, StarHolding, VetoEvent
from .evidence import Evidence
from .notice import Objection
from .round import Round, RoundTownStats

__all__ = [
    "Assessment", "AssessmentEvent", "Evidence", "Objection", "Round", "RoundResult", "RoundTownStats",
    "StarHolding", "Status", "VetoEvent",
]
