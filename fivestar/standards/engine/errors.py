"""Error types of the rating engine.

Framework problems (`FrameworkError`) and input problems (`InputError`) are plain values so
that callers can list every problem at once; the exceptions wrap such lists.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FrameworkError:
    """One problem in a framework definition.

    `location` is a path into the YAML-shaped data, e.g. ``stars[0].standards[2].rules[5].max``;
    `code` is the code of the item concerned when it is known; `message` is Chinese.
    """

    location: str
    message: str
    code: str | None = None

    def __str__(self) -> str:
        where = self.location or "（根）"
        if self.code:
            where = f"{where}（{self.code}）"
        return f"{where}：{self.message}"

    def to_dict(self) -> dict:
        return {"location": self.location, "code": self.code, "message": self.message}


class FrameworkInvalid(ValueError):
    """Raised by `load_framework` when the data has at least one problem."""

    def __init__(self, errors: list[FrameworkError]):
        self.errors = list(errors)
        lines = "\n".join(str(e) for e in self.errors)
        super().__init__(f"创建标准框架有 {len(self.errors)} 处错误：\n{lines}")


@dataclass(frozen=True, slots=True)
class InputError:
    """One problem in the values recorded for a branch.

    `field` names the offending entry, e.g. ``results.zbgy-01-01``; `message` is Chinese.
    """

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}：{self.message}"

    def to_dict(self) -> dict:
        return {"field": self.field, "message": self.message}


class InputInvalid(ValueError):
    """Raised by `evaluate` (when validating) if the recorded values have problems."""

    def __init__(self, errors: list[InputError]):
        self.errors = list(errors)
        lines = "\n".join(str(e) for e in self.errors)
        super().__init__(f"填报数据有 {len(self.errors)} 处错误：\n{lines}")
