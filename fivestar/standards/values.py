"""Turning what a person typed into a rule's value, the same way on every page (self-assessment, 差距,
review): check → True/False, points and metric → a number, deduction → an occurrence count."""

import math

from .engine.text import fmt

TRUE, FALSE = {"1", "true"}, {"0", "false"}


def _number(text: str):
    """`"3"` → 3, `"2.5"` → 2.5, `"50,000"` → 50000; ValueError for anything not a finite number."""
    text = text.replace("，", "").replace(",", "").strip()
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return int(value) if value.is_integer() and "e" not in text.lower() else value


def parse_rule_value(rule, text: str | None):
    """The typed text as the engine's value for `rule`; None when blank; ValueError with a Chinese message."""
    text = (text or "").strip()
    if not text:
        return None
    if rule.kind == "check":
        if text in TRUE or text in FALSE:
            return text in TRUE
        raise ValueError("请选择“达标”或“不达标”。")
    try:
        value = _number(text)
    except ValueError:
        raise ValueError(f"「{text}」不是有效的{'次数（非负整数）' if rule.kind == 'deduction' else '数字'}。") from None
    if rule.kind == "deduction" and (isinstance(value, float) or value < 0):
        raise ValueError(f"发生次数应为非负整数，现为 {fmt(value)}。")
    if rule.kind == "points" and not 0 <= value <= rule.max:
        raise ValueError(f"得分 {fmt(value)} 超出范围，应在 0–{fmt(rule.max)} 分之间。")
    return value
