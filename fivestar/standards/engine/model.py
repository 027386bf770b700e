"""Immutable model of a framework version (see docs/framework-format.md).

Instances are built by `compile.load_framework`, which validates the data first; the
constructors here do no validation of their own.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass, field

from .text import EPS


@dataclass(frozen=True, slots=True)
class Threshold:
    """A metric tier: a value ``>= min`` earns ``points``."""

    min: float
    points: float


@dataclass(frozen=True, slots=True)
class Evidence:
    kinds: tuple[str, ...] = ()
    min_count: int = 1
    hint: str = ""


@dataclass(frozen=True, slots=True)
class Rule:
    """An implementation rule (实施细则)."""

    code: str
    text: str
    kind: str  # check | points | deduction | metric
    max: float
    star_code: str
    standard_code: str
    per_occurrence: float | None = None
    thresholds: tuple[Threshold, ...] = ()
    unit: str | None = None
    indicator: str | None = None
    required: bool = False
    veto: bool = False
    na_allowed: bool = False
    pass_mark: float = 0  # defaults to max at load time
    evidence: Evidence | None = None
    # Precomputed for metric rules: tier minimums and points, for bisect.
    _mins: tuple[float, ...] = field(default=(), repr=False, compare=False)
    _pts: tuple[float, ...] = field(default=(), repr=False, compare=False)

    def points_for(self, value: object) -> float:
        """Points earned for a recorded value; tolerant: an unusable value earns 0."""
        if value is None:
            return 0
        kind = self.kind
        if kind == "check":
            return self.max if value is True else 0
        if type(value) is bool or not isinstance(value, (int, float)) or value != value:
            return 0
        if kind == "points":
            return 0 if value < 0 else (self.max if value > self.max else value)
        if kind == "deduction":
            if value < 0 or type(value) is not int:
                return 0
            left = self.max - value * self.per_occurrence
            return left if left > 0 else 0
        i = bisect_right(self._mins, value)  # metric
        return self._pts[i - 1] if i else 0

    @property
    def best_points(self) -> float:
        """The most points this rule can earn."""
        if self.kind == "metric":
            return self._pts[-1] if self._pts else 0
        return self.max

    def passes(self, points: float) -> bool:
        """Whether `points` reach this rule's pass mark (for required/veto rules)."""
        return points + EPS >= self.pass_mark

    def lowest_points_at_least(self, target: float) -> float | None:
        """The smallest achievable points ``>= target``, or None if unreachable."""
        if target <= EPS:
            return 0
        if target > self.best_points + EPS:
            return None
        kind = self.kind
        if kind == "check":
            return self.max
        if kind == "points":
            return target
        if kind == "deduction":
            k = math.floor((self.max - target) / self.per_occurrence + EPS)
            return max(self.max - max(k, 0) * self.per_occurrence, 0)
        for pts in self._pts:  # metric: ascending, non-decreasing points
            if pts + EPS >= target:
                return pts
        return None

    def value_for_points(self, points: float) -> object:
        """A recorded value that earns at least `points` (the easiest such value)."""
        kind = self.kind
        if kind == "check":
            return points > EPS
        if kind == "points":
            return points
        if kind == "deduction":
            return max(math.floor((self.max - points) / self.per_occurrence + EPS), 0)
        for t in self.thresholds:
            if t.points + EPS >= points:
                return t.min
        return None


#: Kind ids used in `rule_plan` tuples.
KIND_IDS = {"check": 0, "points": 1, "deduction": 2, "metric": 3}


def rule_plan(rule: Rule) -> tuple:
    """The tuple `evaluate` iterates over: plain values, no attribute look-ups."""
    return (
        rule.code, KIND_IDS[rule.kind], rule.max, rule.per_occurrence, rule._mins, rule._pts,
        rule.indicator, rule.required or rule.veto, rule.veto, rule.pass_mark,
    )


@dataclass(frozen=True, slots=True)
class Standard:
    """A creation standard (创建标准), grouping rules."""

    code: str
    name: str
    rules: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class Star:
    code: str
    name: str
    order: int
    standards: tuple[Standard, ...]
    requires: tuple[str, ...] = ()
    pass_ratio: float | None = None
    pass_score: float | None = None
    rules: tuple[Rule, ...] = field(default=(), compare=False)
    max_total: float = field(default=0, compare=False)
    #: Flattened per-rule tuples for the evaluation hot loop (see `rule_plan`).
    plan: tuple[tuple, ...] = field(default=(), compare=False, repr=False)

    @property
    def effective_ratio(self) -> float:
        """The share of the applicable maximum needed to pass (see "Pass marks and 不适用")."""
        ratios = []
        if self.pass_ratio is not None:
            ratios.append(self.pass_ratio)
        if self.pass_score is not None:
            ratios.append(self.pass_score / self.max_total if self.max_total else 0)
        return max(ratios) if ratios else 1.0

    def pass_mark_for(self, applicable_max: float) -> float:
        """Score needed when the applicable maximum is `applicable_max`.

        The larger of ``pass_ratio * applicable_max`` and ``pass_score`` scaled by the
        applicable share ``applicable_max / max_total``; the full applicable maximum when
        neither is set.
        """
        marks = []
        if self.pass_ratio is not None:
            marks.append(self.pass_ratio * applicable_max)
        if self.pass_score is not None:
            if applicable_max == self.max_total:
                marks.append(self.pass_score)
            elif self.max_total:
                marks.append(self.pass_score * applicable_max / self.max_total)
        mark = max(marks) if marks else applicable_max
        return round(mark, 6)


@dataclass(frozen=True, slots=True)
class Framework:
    code: str
    name: str
    branch_type: str
    version: str
    issuer: str
    stars: tuple[Star, ...]  # in display order
    rules_by_code: dict[str, Rule] = field(default_factory=dict, compare=False, repr=False)
    stars_by_code: dict[str, Star] = field(default_factory=dict, compare=False, repr=False)
    #: Star codes in dependency order (every star after the stars it requires).
    topo_order: tuple[str, ...] = field(default=(), compare=False, repr=False)

    @property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(r for s in self.stars for r in s.rules)

    def star(self, code: str) -> Star:
        return self.stars_by_code[code]

    def to_data(self) -> dict:
        """The YAML-shaped dict of this framework (round-trips through load_framework)."""
        return {
            "code": self.code,
            "name": self.name,
            "branch_type": self.branch_type,
            "version": self.version,
            "issuer": self.issuer,
            "stars": [_star_data(s) for s in self.stars],
        }


def _star_data(star: Star) -> dict:
    return {
        "code": star.code,
        "name": star.name,
        "order": star.order,
        "pass_ratio": star.pass_ratio,
        "pass_score": star.pass_score,
        "requires": list(star.requires),
        "standards": [
            {"code": sd.code, "name": sd.name, "rules": [_rule_data(r) for r in sd.rules]}
            for sd in star.standards
        ],
    }


def _rule_data(rule: Rule) -> dict:
    data: dict = {"code": rule.code, "text": rule.text, "kind": rule.kind, "max": rule.max}
    if rule.kind == "deduction":
        data["per_occurrence"] = rule.per_occurrence
    if rule.kind == "metric":
        data["thresholds"] = [{"min": t.min, "points": t.points} for t in rule.thresholds]
        if rule.unit is not None:
            data["unit"] = rule.unit
        if rule.indicator is not None:
            data["indicator"] = rule.indicator
    data.update(required=rule.required, veto=rule.veto, na_allowed=rule.na_allowed)
    if rule.pass_mark != rule.max:
        data["pass_mark"] = rule.pass_mark
    if rule.evidence is not None:
        ev = rule.evidence
        data["evidence"] = {"kinds": list(ev.kinds), "min_count": ev.min_count, "hint": ev.hint}
    return data
