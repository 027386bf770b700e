"""Chinese wording of framework values, shared by the Excel format, the pages and the diff.

Each `parse_*` function turns what a person typed in a cell back into the YAML value; it raises
`ValueError` with a Chinese message when the text cannot be understood.
"""

from __future__ import annotations

import re

from .canonical import num
from .engine import BRANCH_TYPES, EVIDENCE_KINDS, KNOWN_INDICATORS
from .engine.text import fmt

#: Rule kinds as written in the 类型 column.
KIND_WORDS = {"check": "达标", "points": "评分", "deduction": "扣分", "metric": "指标"}
_KIND_ALIASES = {
    **{v: k for k, v in KIND_WORDS.items()},
    "达标项": "check", "评分项": "points", "计分项": "points", "计分": "points", "扣分项": "deduction",
    "指标项": "metric", **{k: k for k in KIND_WORDS},
}

#: Evidence kinds as written in the 佐证类型 column.
EVIDENCE_WORDS = {"photo": "照片", "document": "文件", "ledger": "台账"}
_EVIDENCE_ALIASES = {
    **{v: k for k, v in EVIDENCE_WORDS.items()}, **{v: k for k, v in EVIDENCE_KINDS.items()},
    "记录": "ledger", "图片": "photo", **{k: k for k in EVIDENCE_WORDS},
}

YES, NO = "是", "否"
_YES = {"是", "y", "yes", "true", "1", "√", "✓"}
_NO = {"否", "n", "no", "false", "0", "×", "✗"}

LIST_SPLIT = re.compile(r"[、,，;；\s]+")
TIER_SPLIT = re.compile(r"[;；\n]+")
_NUMBER = r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
_TIER = re.compile(rf"^\s*(?:≥|>=|＞=|>)?\s*({_NUMBER})\s*[:：]\s*({_NUMBER})\s*$")
THRESHOLD_HELP = "应为「≥下限:得分」，多档用“；”分隔，如 ≥50000:6；≥100000:10"


def number_text(value) -> str:
    """A number as text that reads back to the same value: ``6``, ``0.5``, ``1e-07``."""
    value = num(value)
    return str(value) if isinstance(value, int) else repr(float(value))


def parse_number(value, label: str):
    """A cell value as a number (int when whole); None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{label}应为数字（现为「{value}」）")
    if isinstance(value, (int, float)):
        return num(value)
    s = str(value).strip().replace("，", "").replace(",", "")  # thousands separators: 50,000
    percent = s.endswith("%") or s.endswith("％")
    s = s.rstrip("%％").strip()
    if re.fullmatch(_NUMBER, s):
        v = float(s) / 100 if percent else float(s)
        return num(int(s)) if not percent and re.fullmatch(r"[-+]?\d+", s) else num(v)
    raise ValueError(f"{label}应为数字（现为「{value}」）")


def thresholds_text(tiers) -> str:
    return "；".join(f"≥{number_text(t['min'])}:{number_text(t['points'])}" for t in tiers or [])


def parse_thresholds(value) -> list[dict] | None:
    if value is None or not str(value).strip():
        return None
    tiers = []
    for part in TIER_SPLIT.split(str(value).strip()):
        if not part.strip():
            continue
        m = _TIER.match(part)
        if not m:
            raise ValueError(f"档次「{part.strip()}」格式不正确，{THRESHOLD_HELP}")
        tiers.append({"min": num(_to_number(m.group(1))), "points": num(_to_number(m.group(2)))})
    return tiers


def _to_number(s: str):
    return int(s) if re.fullmatch(r"[-+]?\d+", s) else float(s)


def kind_word(kind: str) -> str:
    return KIND_WORDS.get(kind, kind)


def parse_kind(value) -> str | None:
    if value is None or not str(value).strip():
        return None
    s = str(value).strip()
    if s in _KIND_ALIASES:
        return _KIND_ALIASES[s]
    raise ValueError(f"类型「{s}」无法识别，应为 " + "、".join(KIND_WORDS.values()) + " 之一")


def yes_no(flag) -> str:
    return YES if flag else NO


def parse_flag(value, label: str) -> bool:
    if value is None or value is False:
        return False
    if value is True:
        return True
    s = str(value).strip().lower()
    if s in _YES:
        return True
    if s in _NO or s == "":
        return False
    raise ValueError(f"{label}只能填写“是”或“否”（现为「{value}」）")


def split_list(value) -> list[str]:
    if value is None:
        return []
    return [p for p in LIST_SPLIT.split(str(value).strip()) if p]


def evidence_text(kinds) -> str:
    return "、".join(EVIDENCE_WORDS.get(k, k) for k in kinds or [])


def parse_evidence_kinds(value) -> list[str]:
    return [_EVIDENCE_ALIASES.get(p, p) for p in split_list(value)]


def evidence_labels(kinds) -> list[str]:
    return [EVIDENCE_KINDS.get(k, k) for k in kinds or []]


def branch_type_word(code) -> str:
    return BRANCH_TYPES.get(code, code or "")


def parse_branch_type(value):
    if value is None:
        return None
    s = str(value).strip()
    for code, word in BRANCH_TYPES.items():
        if s in (code, word, f"{word}支部", f"{word}党支部"):
            return code
    return s  # left for validation: "未知的支部类型"


def indicator_word(code) -> str:
    return KNOWN_INDICATORS[code][0] if code in KNOWN_INDICATORS else (code or "")


def parse_indicator(value):
    if value is None or not str(value).strip():
        return None
    s = str(value).strip()
    for code, (name, _unit) in KNOWN_INDICATORS.items():
        if s in (code, name):
            return code
    return s  # left for validation: "未知的指标"


def points_text(rule: dict) -> str:
    """How a rule scores, in one short phrase for the pages."""
    mx = fmt(rule.get("max"))
    kind = rule.get("kind")
    if kind == "deduction":
        return f"{mx} 分，每次扣 {fmt(rule.get('per_occurrence'))} 分"
    if kind == "metric":
        unit = rule.get("unit") or ""
        tiers = "；".join(f"≥{fmt(t['min'])}{unit} 得 {fmt(t['points'])} 分" for t in rule.get("thresholds") or [])
        return f"{mx} 分（{tiers}）"
    return f"{mx} 分"
