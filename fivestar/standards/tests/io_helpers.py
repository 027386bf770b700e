"""Helpers for the import/export, service, page and API tests of frameworks."""

from __future__ import annotations

import copy
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook

from fivestar.standards.example import EXAMPLE

FRAMEWORKS = Path(__file__).resolve().parent.parent / "frameworks"
RURAL = FRAMEWORKS / "puyang-2023-rural.yaml"
COMMUNITY = FRAMEWORKS / "puyang-2023-community.yaml"


def example() -> dict:
    return copy.deepcopy(EXAMPLE)


def find_rule(data: dict, code: str) -> dict:
    return next(r for s in data["stars"] for sd in s["standards"] for r in sd["rules"] if r["code"] == code)


def find_star(data: dict, code: str) -> dict:
    return next(s for s in data["stars"] if s["code"] == code)


def edit_workbook(content: bytes, edits: dict) -> bytes:
    """edits: {(sheet, "E3"): value}; a value of None clears the cell."""
    wb = load_workbook(BytesIO(content))
    for (sheet, cell), value in edits.items():
        wb[sheet][cell] = value
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line number of the n-th line containing `needle`."""
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not found {occurrence} times")


def without_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")) + "\n"
