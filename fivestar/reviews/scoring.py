"""The score and grade rules, pure Python: each item turns a pack's figures into a ratio 0–1, the score is the
weighted sum scaled to 100, and the grade is the first threshold the score reaches (好 ≥ 90, 较好 ≥ 75, 一般 ≥ 60)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

ITEMS: dict[str, str] = {
    "stars": "星级达标（所持星数对照目标）",
    "changes": "星级变化（新增与失去的星）",
    "problems": "督导问题按期销号",
    "ledger": "创建台账按期完成",
    "commitments": "承诺践诺",
    "observation": "季度观摩排名",
    "flags": "红黑旗",
}
DEFAULT_WEIGHTS: dict[str, int] = {"stars": 30, "changes": 10, "problems": 20, "ledger": 15, "commitments": 10,
                                   "observation": 10, "flags": 5}
GRADES = ["好", "较好", "一般", "差"]
DEFAULT_THRESHOLDS: dict[str, int] = {"好": 90, "较好": 75, "一般": 60}
KEPT_GRADES = ("优秀", "良好")  # a commitment graded one of these counts as kept (planning's default scale)


class ScoringError(ValueError):
    """Settings that cannot be used; the message is Chinese and says why."""


def _clamp(x: float) -> float:
    return max(0.0, min(1.0, x))


def ratios(f: dict) -> dict[str, float]:
    """Each item's ratio from a pack's figures (see metrics.EMPTY for the keys). No records is no fault: 1, except
    observation without a ranking, which is neutral (0.5)."""
    villages = max(1, f.get("villages", 0))
    target = f.get("target", 0)
    out = {"stars": 1.0 if target <= 0 else _clamp(f.get("held", 0) / target)}
    out["changes"] = _clamp(0.5 + 0.5 * (f.get("gained", 0) - f.get("lost", 0)) / villages)
    out["problems"] = 1.0 if not f.get("problems") else _clamp(f.get("problems_closed_on_time", 0) / f["problems"])
    out["ledger"] = 1.0 if not f.get("tasks") else _clamp(f.get("tasks_on_time", 0) / f["tasks"])
    out["commitments"] = 1.0 if not f.get("commitments_graded") else _clamp(f.get("commitments_kept", 0) / f["commitments_graded"])
    if f.get("observation_percentile") is None:
        out["observation"] = 0.5
    else:
        out["observation"] = _clamp(f["observation_percentile"])
    out["flags"] = _clamp(0.5 + 0.25 * (f.get("red_flags", 0) - f.get("black_flags", 0)) / villages)
    return out


def score(f: dict, weights: dict[str, int] | None = None) -> tuple[Decimal, dict[str, Decimal]]:
    """(total out of 100, each item's points) for a pack's figures."""
    weights = weights or DEFAULT_WEIGHTS
    total_weight = sum(weights.values()) or 1
    parts = {}
    for key, ratio in ratios(f).items():
        points = Decimal(str(ratio * weights.get(key, 0) * 100 / total_weight))
        parts[key] = points.quantize(Decimal("0.01"), ROUND_HALF_UP)
    total = sum(parts.values(), Decimal("0")).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return min(total, Decimal("100.00")), parts


def grade(value, thresholds: dict[str, int] | None = None) -> str:
    thresholds = thresholds or DEFAULT_THRESHOLDS
    for name in GRADES[:-1]:
        if Decimal(str(value)) >= Decimal(str(thresholds[name])):
            return name
    return GRADES[-1]


def check_weights(raw: dict) -> dict[str, int]:
    """Weights from a form or the API: each item an integer 0–100, not all zero; unknown items refused by name."""
    if not isinstance(raw, dict):
        raise ScoringError("评分项目权重格式不正确。")
    unknown = [k for k in raw if k not in ITEMS]
    if unknown:
        raise ScoringError("未知的评分项目：" + "、".join(str(k) for k in unknown) + "。")
    out = {}
    for key, label in ITEMS.items():
        value = raw.get(key, DEFAULT_WEIGHTS[key])
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            raise ScoringError(f"「{label}」的权重应为 0 至 100 的整数。") from None
        if not 0 <= number <= 100:
            raise ScoringError(f"「{label}」的权重应为 0 至 100 的整数。")
        out[key] = number
    if not any(out.values()):
        raise ScoringError("权重不能全部为 0。")
    return out


def check_thresholds(raw: dict) -> dict[str, int]:
    """Grade thresholds: integers 0–100, 好 > 较好 > 一般."""
    if not isinstance(raw, dict):
        raise ScoringError("等次分数线格式不正确。")
    unknown = [k for k in raw if k not in DEFAULT_THRESHOLDS]
    if unknown:
        raise ScoringError("未知的等次：" + "、".join(str(k) for k in unknown) + "（可设：好、较好、一般）。")
    out = {}
    for name in DEFAULT_THRESHOLDS:
        value = raw.get(name, DEFAULT_THRESHOLDS[name])
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            raise ScoringError(f"「{name}」的分数线应为 0 至 100 的整数。") from None
        if not 0 <= number <= 100:
            raise ScoringError(f"「{name}」的分数线应为 0 至 100 的整数。")
        out[name] = number
    if not out["好"] > out["较好"] > out["一般"]:
        raise ScoringError("分数线应满足：好 > 较好 > 一般。")
    return out
