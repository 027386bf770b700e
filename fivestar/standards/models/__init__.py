from .framework import FrameworkVersion
from .results import BranchResult

__all__ = ["FrameworkVersion", "BranchResult"]
