"""Importing administrative divisions (the five-file statistical-code CSV format)."""

from .importer import DivisionImportError, Plan, Result, apply_import, plan_import
from .reader import LEVEL_LABELS, RowError
from .sources import FILE_NAMES, SourceError

__all__ = [
    "DivisionImportError", "Plan", "Result", "apply_import", "plan_import",
    "LEVEL_LABELS", "RowError", "FILE_NAMES", "SourceError",
]
