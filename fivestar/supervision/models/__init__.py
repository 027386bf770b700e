from .daily import DailyRun
from .inspection import Inspection, VisitPlan
from .problem import Problem, ProblemEvent, Rectification
from .stats import ProblemStats
from .team import SupervisionSettings, SupervisionTeam

__all__ = ["DailyRun", "Inspection", "Problem", "ProblemEvent", "ProblemStats", "Rectification", "SupervisionSettings", "SupervisionTeam", "VisitPlan"]
