from .commitments import Commitment
from .ledger import LedgerStats, LedgerTask, TaskEvent
from .letters import LetterBatch, LetterTemplate, ResponsibilityLetter
from .targets import PlanningSettings, UnitPlan, VillageTarget

__all__ = ["Commitment", "LedgerStats", "LedgerTask", "LetterBatch", "LetterTemplate", "PlanningSettings", "ResponsibilityLetter",
           "TaskEvent", "UnitPlan", "VillageTarget"]
