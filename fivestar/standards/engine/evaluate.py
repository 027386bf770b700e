"""Scoring a branch against a framework (see docs/framework-format.md)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .errors import InputInvalid
from .inputs import validate_inputs
from .model import Framework, Rule, Star
from .text import EPS, fmt, fmt_down, fmt_up, rule_label, star_names

_EMPTY: frozenset[str] = frozenset()
_NUMBER = (int, float)


@dataclass(slots=True)
class StarResult:
    """The outcome for one star.

    `max` is the applicable maximum (not-applicable rules removed); `pass_mark` the score
    needed; `qualified` says whether the star's own conditions are met (score, required
    rules, vetoes), `awarded` additionally requires every star in `requires` to be awarded.
    `failed_required` lists failing required rules that are not veto rules; failing veto
    rules are in `failed_veto`; `veto_events` lists veto rules with a recorded event.
    """

    code: str
    name: str
    score: float
    max: float
    pass_mark: float
    qualified: bool
    awarded: bool
    reasons: list[str]
    rule_scores: dict[str, float]
    not_applicable: list[str] = field(default_factory=list)
    failed_required: list[str] = field(default_factory=list)
    failed_veto: list[str] = field(default_factory=list)
    veto_events: list[str] = field(default_factory=list)
    missing_requires: list[str] = field(default_factory=list)

    @property
    def points_short(self) -> float:
        short = self.pass_mark - self.score
        return round(short, 6) if short > EPS else 0

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "score": self.score,
            "max": self.max,
            "pass_mark": self.pass_mark,
            "qualified": self.qualified,
            "awarded": self.awarded,
            "reasons": list(self.reasons),
            "rule_scores": dict(self.rule_scores),
            "not_applicable": list(self.not_applicable),
            "failed_required": list(self.failed_required),
            "failed_veto": list(self.failed_veto),
            "veto_events": list(self.veto_events),
            "missing_requires": list(self.missing_requires),
        }


@dataclass(slots=True)
class Evaluation:
    framework_code: str
    stars: list[StarResult]  # in framework order
    rating: int
    awarded_codes: list[str]  # in framework order

    def star(self, code: str) -> StarResult:
        for sr in self.stars:
            if sr.code == code:
                return sr
        raise KeyError(code)

    def to_dict(self) -> dict:
        return {
            "framework": self.framework_code,
            "rating": self.rating,
            "awarded": list(self.awarded_codes),
            "stars": [sr.to_dict() for sr in self.stars],
        }


def evaluate(
    framework: Framework,
    results: Mapping[str, object],
    not_applicable: Iterable[str] = (),
    veto_events: Iterable[str] = (),
    indicators: Mapping[str, float] | None = None,
    *,
    validate: bool = True,
) -> Evaluation:
    """Score every star, apply dependencies and return the `Evaluation`.

    With ``validate=True`` (default) invalid inputs raise `InputInvalid`; with
    ``validate=False`` scoring is tolerant: unknown codes are ignored and unusable values
    score 0 (as if nothing were recorded).
    """
    na = frozenset(not_applicable) if not_applicable else _EMPTY
    vetoes = frozenset(veto_events) if veto_events else _EMPTY
    if validate:
        errors = validate_inputs(framework, results, na, vetoes, indicators)
        if errors:
            raise InputInvalid(errors)
    by_code: dict[str, StarResult] = {}
    for star in framework.stars:
        by_code[star.code] = _own(star, results, na, vetoes, indicators or {}, framework.rules_by_code)
    stars_by_code = framework.stars_by_code
    for code in framework.topo_order:
        sr = by_code[code]
        missing = [req for req in stars_by_code[code].requires if not by_code[req].awarded]
        if missing:
            sr.missing_requires = missing
            names = [stars_by_code[m].name for m in missing]
            sr.reasons.append(f"依赖未满足：需先获得 {star_names(names)}")
        sr.awarded = sr.qualified and not missing
    stars = [by_code[s.code] for s in framework.stars]
    awarded = [sr.code for sr in stars if sr.awarded]
    return Evaluation(framework.code, stars, len(awarded), awarded)


def _own(
    star: Star,
    results: Mapping[str, object],
    na: frozenset[str],
    vetoes: frozenset[str],
    indicators: Mapping[str, object],
    rules_by_code: Mapping[str, Rule],
) -> StarResult:
    """Score one star against its own conditions (dependencies are applied later)."""
    get = results.get
    score = 0
    applicable = 0
    rule_scores: dict[str, float] = {}
    na_codes: list[str] = []
    failed_required: list[str] = []
    failed_veto: list[str] = []
    events: list[str] = []
    # Inlined equivalent of Rule.points_for (kept in step with it; a test checks this).
    for code, kind, mx, per, mins, pts, indicator, checked, veto, pass_mark in star.plan:
        if veto and code in vetoes:
            events.append(code)
        if na and code in na:
            na_codes.append(code)
            continue
        value = get(code)
        if value is None and indicator is not None:
            value = indicators.get(indicator)
        if value is None:
            points = 0
        elif kind == 0:
            points = mx if value is True else 0
        elif type(value) not in _NUMBER or value != value:
            points = 0
        elif kind == 1:
            points = 0 if value < 0 else (mx if value > mx else value)
        elif kind == 2:
            if value < 0 or type(value) is not int:
                points = 0
            else:
                points = mx - value * per
                if points < 0:
                    points = 0
        else:
            i = bisect_right(mins, value)
            points = pts[i - 1] if i else 0
        rule_scores[code] = points
        score += points
        applicable += mx
        if checked and points + EPS < pass_mark:
            (failed_veto if veto else failed_required).append(code)
    score = round(score, 6)
    applicable = round(applicable, 6)
    pass_mark = star.pass_mark_for(applicable)
    score_ok = score + EPS >= pass_mark
    qualified = score_ok and not failed_required and not failed_veto and not events
    reasons: list[str] = []
    if score_ok:
        reasons.append(f"得分 {fmt(score)}/{fmt(applicable)}，达到通过分 {fmt(pass_mark)}")
    else:
        reasons.append(
            f"得分 {fmt_down(score)}/{fmt(applicable)}，未达到通过分 {fmt(pass_mark)}"
            f"（差 {fmt_up(pass_mark - score)} 分）"
        )
    if failed_required or failed_veto or events:
        rules = rules_by_code
        for code in failed_required:
            r = rules[code]
            reasons.append(
                f"必达细则 {rule_label(code, r.text)}未达标"
                f"（得 {fmt(rule_scores[code])} 分，需 {fmt(r.pass_mark)} 分）"
            )
        for code in failed_veto:
            r = rules[code]
            reasons.append(
                f"一票否决：{rule_label(code, r.text)}未达标"
                f"（得 {fmt(rule_scores[code])} 分，需 {fmt(r.pass_mark)} 分）"
            )
        for code in events:
            reasons.append(f"一票否决：{rule_label(code, rules[code].text)}已记录否决事项")
    return StarResult(
        code=star.code,
        name=star.name,
        score=score,
        max=applicable,
        pass_mark=pass_mark,
        qualified=qualified,
        awarded=qualified,
        reasons=reasons,
        rule_scores=rule_scores,
        not_applicable=na_codes,
        failed_required=failed_required,
        failed_veto=failed_veto,
        veto_events=events,
        missing_requires=[],
    )
