"""Import problems: every error names where it is (file, sheet, row, column) and says what is wrong in Chinese.

A parsed source (YAML text or an Excel workbook) knows where each item of the YAML-shaped data came
from; `Source.locate` turns an engine location such as ``stars[0].standards[2].rules[5].max`` into
a sheet, a row and a column, so the engine's validation errors point into the file the user edited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .engine import FrameworkError, validate_framework

#: Item locations inside engine messages, e.g. "已用于 stars[0].standards[1]".
_LOCATION_IN_TEXT = re.compile(r" ?stars\[\d+\](?:\.standards\[\d+\](?:\.rules\[\d+\])?)?")

#: Lengths of the FrameworkVersion columns the top-level values are copied into.
FIELD_LIMITS = {"code": (60, "代码"), "name": (120, "名称"), "version": (30, "版本"), "issuer": (60, "发布单位")}


@dataclass(frozen=True)
class Problem:
    """One import error. `row` is a line number for YAML and a row number for Excel."""

    file: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def where(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"工作表「{self.sheet}」")
        if self.row:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(f"「{self.column}」列" if self.sheet else f"{self.column}")
        return " ".join(p for p in parts if p)

    def __str__(self) -> str:
        return f"{self.where()}：{self.message}"

    def to_dict(self) -> dict:
        return {"file": self.file, "sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


class ImportFailed(ValueError):
    """Nothing was saved: the source has at least one problem (all of them are listed)."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"导入失败，共 {len(self.problems)} 处错误：\n{lines}")


@dataclass
class Source:
    """Parsed data plus where each location came from. `positions` maps a location to (sheet, row, column)."""

    filename: str
    data: object = None
    problems: list[Problem] = field(default_factory=list)
    positions: dict[str, tuple[str | None, int | None, str | None]] = field(default_factory=dict)
    #: Messages to use instead of the engine's for a location suffix (e.g. ".rules": "该标准下没有细则").
    overrides: dict[str, str] = field(default_factory=dict)
    #: Locations whose cell could not be read (already reported): engine errors under them are dropped.
    failed: set[str] = field(default_factory=set)
    #: Sheets in the order problems are listed (problems are sorted by sheet, then row).
    sheet_order: tuple[str, ...] = ()

    def problem(self, message: str, sheet=None, row=None, column=None) -> Problem:
        return Problem(self.filename, message, sheet, row, column)

    def locate(self, location: str) -> tuple[str | None, int | None, str | None]:
        """The closest known position: the location itself, else its nearest parent."""
        loc = location
        while True:
            if loc in self.positions:
                sheet, row, column = self.positions[loc]
                if loc != location and sheet is None:  # YAML: name the missing key
                    column = location[len(loc):].lstrip(".") or column
                return sheet, row, column
            if not loc:
                return None, None, location or None
            loc = _parent(loc)

    def describe(self, location: str) -> str:
        sheet, row, _ = self.locate(location)
        if sheet and row:
            return f"「{sheet}」第 {row} 行"
        if row:
            return f"第 {row} 行"
        return location

    def from_engine(self, error: FrameworkError) -> Problem:
        sheet, row, column = self.locate(error.location)
        message = _LOCATION_IN_TEXT.sub(lambda m: self.describe(m.group(0).strip()), error.message)
        for suffix, text in self.overrides.items():
            if error.location.endswith(suffix) and "非空列表" in error.message:
                message = text
        if error.code and error.code not in message:
            message = f"{error.code}：{message}"
        return self.problem(message, sheet, row, column)

    def fail(self, location: str, message: str, sheet=None, row=None, column=None) -> None:
        """Report a value that could not be read; the engine will not report it again."""
        self.failed.add(location)
        self.problems.append(self.problem(message, sheet, row, column))

    def _already_reported(self, location: str) -> bool:
        return any(location == f or location.startswith(f + ".") or location.startswith(f + "[") for f in self.failed)

    def validate(self) -> list[Problem]:
        """Parse problems plus the engine's validation and the storage limits, located in the file."""
        problems = list(self.problems)
        if self.data is None:
            return problems
        problems += [self.from_engine(e) for e in validate_framework(self.data) if not self._already_reported(e.location)]
        if isinstance(self.data, dict):
            for key, (limit, label) in FIELD_LIMITS.items():
                value = self.data.get(key)
                if isinstance(value, str) and len(value) > limit:
                    sheet, row, column = self.locate(key)
                    problems.append(self.problem(f"{label}不能超过 {limit} 个字符（现为 {len(value)} 个）", sheet, row, column))
        order = {name: i for i, name in enumerate(self.sheet_order)}
        return sorted(problems, key=lambda p: (order.get(p.sheet, -1), p.row or 0))


def _parent(location: str) -> str:
    if location.endswith("]"):
        return location[: location.rindex("[")]
    return location.rsplit(".", 1)[0] if "." in location else ""
