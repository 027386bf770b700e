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


# Plausible values of a metric, so a typo (an income of 10^30, a rate of 150%) is refused rather than scored.
PERCENT_RANGE = (0, 100)
GROWTH_RANGE = (-100, 1000)  # a growth rate in %: may fall, may more than double
METRIC_MAX = 10**12  # amounts in yuan, counts, areas: far above any village's
DEDUCTION_MAX = 10_000  # occurrences in one period


def plausible_range(rule) -> tuple[float, float] | None:
    """(low, high) for a metric or deduction rule's value, None for other kinds."""
    if rule.kind == "deduction":
        return (0, DEDUCTION_MAX)
    if rule.kind != "metric":
        return None
    if (rule.unit or "").strip() == "%":
        return GROWTH_RANGE if "增长" in (rule.text or "") else PERCENT_RANGE
    return (0, METRIC_MAX)


def range_problem(rule, value) -> str:
    """A Chinese message when a number is outside the rule's plausible range, else ""."""
    bounds = plausible_range(rule)
    if bounds is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return ""
    low, high = bounds
    if low <= value <= high:
        return ""
    unit = (rule.unit or "").strip()
    return f"数值 {fmt(value) if abs(value) < 1e15 else '过大'} 超出合理范围，应在 {fmt(low)}–{fmt(high)}{unit} 之间。"


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
    problem = range_problem(rule, value)
    if problem:
        raise ValueError(problem)
    return value
