"""Vocabulary of the framework format and helpers for Chinese user-facing text."""

from __future__ import annotations

import math
import re

#: Rule kinds, with their Chinese labels.
KINDS: dict[str, str] = {
    "check": "达标项",
    "points": "计分项",
    "deduction": "扣分项",
    "metric": "指标项",
}

#: Evidence kinds, with their Chinese labels.
EVIDENCE_KINDS: dict[str, str] = {
    "photo": "照片",
    "document": "文件",
    "ledger": "台账/记录",
}

#: Branch types, with their Chinese labels.
BRANCH_TYPES: dict[str, str] = {
    "rural": "农村",
    "community": "社区",
}

#: Indicators a metric rule may read its value from: code -> (Chinese name, unit).
KNOWN_INDICATORS: dict[str, tuple[str, str]] = {
    "collective_income": ("村集体经济收入", "元"),
    "black_flags_year": ("本年度黑旗次数", "次"),
    "no_black_flag_year": ("本年度未获黑旗（是 1，否 0）", ""),
    # Recorded in fivestar.activities (kept in step with fivestar/activities/indicators.py; the engine imports no Django).
    "labour_sessions_year": ("本年度志愿劳动次数", "次"),
    "night_school_rate": ("夜校参学率", "%"),
    "party_day_sessions_year": ("本年度主题党日次数", "次"),
    "party_day_rate": ("主题党日参加率", "%"),
    "honours_county_plus": ("县级以上荣誉", "项"),
    "awards_year": ("本年度评优评先人数", "人"),
    "mentoring_pairs_year": ("本年度导师帮带结对数", "对"),
    "three_zero_year": ("三零（零上访/零事故/零案件，是 1，否 0）", ""),
    "campaign_funds_year": ("本年度专项行动到位资金", "元"),
}

CODE_RE = re.compile(r"^[a-z0-9-]+$")

#: Tolerance used when comparing scores with pass marks (guards against float noise
#: such as 0.7 * 30 == 20.999999999999996).
EPS = 1e-6


def is_number(value: object) -> bool:
    """True for int/float values that are finite; bool is *not* a number here."""
    if type(value) is bool or not isinstance(value, (int, float)):
        return False
    return math.isfinite(value)


def fmt(value: float) -> str:
    """Format a score for Chinese text: ``8`` not ``8.0``, at most two decimals."""
    if value is None:
        return "—"
    rounded = round(value)
    if abs(value - rounded) < 1e-9:
        return str(int(rounded))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def fmt_down(value: float) -> str:
    """A score shown next to a mark it does not reach: truncated, never rounded up to the mark
    (79.999998 reads 79.99, not 80)."""
    return fmt(math.floor(value * 100 + 1e-9) / 100)


def fmt_up(value: float) -> str:
    """A shortfall: rounded up, so a real gap never reads as 0."""
    return fmt(math.ceil(value * 100 - 1e-9) / 100)


def short(text: str, limit: int = 40) -> str:
    """Shorten a rule text for use inside a reason sentence."""
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def rule_label(code: str, text: str) -> str:
    """``zbgy-01-02「村党支部书记…」``"""
    return f"{code}「{short(text)}」"


def star_names(names: list[str]) -> str:
    return "、".join(names)
