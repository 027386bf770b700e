"""Validation of the values a branch records against a framework."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from .errors import InputError
from .model import Framework, Rule
from .text import KINDS, KNOWN_INDICATORS, fmt, is_number


def validate_inputs(
    framework: Framework,
    results: Mapping[str, object],
    not_applicable: Iterable[str] = (),
    veto_events: Iterable[str] = (),
    indicators: Mapping[str, object] | None = None,
) -> list[InputError]:
    """Every problem in the recorded values (empty list when they are usable).

    ``None`` as a result means "no value recorded" and is always accepted.
    """
    errors: list[InputError] = []
    rules = framework.rules_by_code
    if not isinstance(results, Mapping):
        errors.append(InputError("results", "细则填报结果必须是“细则编码 → 值”的映射"))
        results = {}
    for code, value in results.items():
        rule = rules.get(code)
        if rule is None:
            errors.append(InputError(f"results.{code}", f"未知的细则编码 {code}"))
            continue
        if value is None:
            continue
        kind, vtype = rule.kind, type(value)
        if kind == "check":  # fast path for the common, valid cases
            if vtype is bool:
                continue
        elif kind == "deduction":
            if vtype is int and value >= 0:
                continue
        elif vtype is int or (vtype is float and math.isfinite(value)):
            if kind == "metric" or 0 <= value <= rule.max:
                continue
        message = value_problem(rule, value)
        if message:
            errors.append(InputError(f"results.{code}", message))
    for code in _codes(not_applicable, "not_applicable", errors):
        field = f"not_applicable.{code}"
        rule = rules.get(code)
        if rule is None:
            errors.append(InputError(field, f"未知的细则编码 {code}"))
        elif not rule.na_allowed:
            errors.append(InputError(field, f"细则 {code} 不允许标记为“不适用”"))
    for code in _codes(veto_events, "veto_events", errors):
        field = f"veto_events.{code}"
        rule = rules.get(code)
        if rule is None:
            errors.append(InputError(field, f"未知的细则编码 {code}"))
        elif not rule.veto:
            errors.append(InputError(field, f"细则 {code} 不是一票否决项，不能记录否决事项"))
    if indicators is not None:
        if not isinstance(indicators, Mapping):
            errors.append(InputError("indicators", "指标数据必须是“指标编码 → 数值”的映射"))
            indicators = {}
        for name, value in indicators.items():
            field = f"indicators.{name}"
            if name not in KNOWN_INDICATORS:
                errors.append(InputError(field, f"未知的指标 {name}"))
            elif value is not None and not is_number(value):
                errors.append(InputError(field, f"指标值必须是数值（现为 {value!r}）"))
    return errors


def value_problem(rule: Rule, value: object) -> str | None:
    """Chinese description of what is wrong with `value` for `rule`, or None if it is fine."""
    kind = rule.kind
    label = KINDS[kind]
    if kind == "check":
        if type(value) is not bool:
            return f"{label}只能填写“是”或“否”（布尔值），现为 {value!r}"
        return None
    if kind == "deduction":
        if type(value) is not int or value < 0:
            return f"{label}应填写发生次数（非负整数），现为 {value!r}"
        return None
    if not is_number(value):
        return f"{label}应填写数值，现为 {value!r}"
    if kind == "points" and not 0 <= value <= rule.max:
        return f"得分 {fmt(value)} 超出范围 0–{fmt(rule.max)}"
    return None


def _codes(values: Iterable[str], name: str, errors: list[InputError]) -> list[str]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        errors.append(InputError(name, "必须是细则编码的列表"))
        return []
    seen: list[str] = []
    for code in values:
        if code not in seen:
            seen.append(code)
    return seen
