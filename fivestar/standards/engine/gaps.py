"""Gap analysis: what a branch still has to do to earn each star it does not hold."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

from .evaluate import Evaluation, StarResult, evaluate
from .model import Framework, Rule, Star
from .text import EPS, KNOWN_INDICATORS, fmt, fmt_down, fmt_up, rule_label, star_names


@dataclass(frozen=True, slots=True)
class Blocker:
    """Something that denies a star whatever the score.

    `kind` is ``required`` (a required rule below its pass mark), ``veto_rule`` (a veto rule
    below its pass mark) or ``veto_event`` (a recorded veto event: not fixable this round).
    """

    kind: str
    rule_code: str
    text: str
    current: float | None
    target: float | None
    fixable: bool
    message: str


@dataclass(frozen=True, slots=True)
class Improvement:
    """Raise one rule from `current` to `target` points (`gain` = the difference)."""

    rule_code: str
    text: str
    kind: str
    current: float
    target: float
    gain: float
    mandatory: bool  # needed to clear a required/veto rule, whatever the score
    target_value: object  # a recorded value that earns `target`
    action: str  # Chinese description of what to do


@dataclass(slots=True)
class StarGap:
    star_code: str
    star_name: str
    order: int
    score: float
    max: float
    pass_mark: float
    points_short: float  # pass_mark - score, 0 when the score is enough
    qualified: bool  # own conditions already met (only dependencies missing)
    reachable: bool  # the improvements below meet the own conditions within this round
    blockers: list[Blocker]
    improvements: list[Improvement]  # mandatory ones first, then greedy by gain
    missing_requires: list[str]  # required stars not awarded (direct)
    notes: list[str]  # Chinese summary
    #: Including every not-awarded star this one depends on, directly or not:
    total_points_short: float = 0
    total_improvements: int = 0
    total_reachable: bool = True

    @property
    def gain(self) -> float:
        return round(sum(i.gain for i in self.improvements), 6)

    def to_dict(self) -> dict:
        return asdict(self) | {"gain": self.gain}


class GapReport(list):
    """`list[StarGap]`, closest star first; `closest_star` is the first one (or None)."""

    @property
    def closest_star(self) -> StarGap | None:
        return self[0] if self else None

    def to_dict(self) -> dict:
        closest = self.closest_star
        return {
            "closest_star": closest.star_code if closest else None,
            "gaps": [g.to_dict() for g in self],
        }


def gaps(
    framework: Framework,
    results: Mapping[str, object],
    not_applicable: Iterable[str] = (),
    veto_events: Iterable[str] = (),
    indicators: Mapping[str, float] | None = None,
    evaluation: Evaluation | None = None,
    *,
    validate: bool = True,
) -> GapReport:
    """Gaps of every star not awarded, sorted closest first.

    Closeness: stars that can be earned this round (no recorded veto event, also among the
    stars they depend on) first, then fewest points short, then fewest improvements — both
    counted together with the not-awarded stars they depend on — then fewest such stars,
    then framework order.
    Pass `evaluation` to reuse an evaluation of the same inputs.
    """
    if evaluation is None:
        evaluation = evaluate(
            framework, results, not_applicable, veto_events, indicators, validate=validate
        )
    results_by_star = {sr.code: sr for sr in evaluation.stars}
    own = {
        sr.code: _star_gap(framework.stars_by_code[sr.code], sr, framework)
        for sr in evaluation.stars
        if not sr.awarded
    }
    depth: dict[str, int] = {}
    for code, gap in own.items():
        deps = _missing_transitive(framework, code, results_by_star)
        gap.total_points_short = round(
            gap.points_short + sum(own[d].points_short for d in deps), 6
        )
        gap.total_improvements = len(gap.improvements) + sum(len(own[d].improvements) for d in deps)
        gap.total_reachable = gap.reachable and all(own[d].reachable for d in deps)
        depth[code] = len(deps)
    ordered = sorted(
        own.values(),
        key=lambda g: (not g.total_reachable, g.total_points_short, g.total_improvements,
                       depth[g.star_code], g.order),
    )
    return GapReport(ordered)


def _missing_transitive(framework: Framework, code: str, by_code: dict[str, StarResult]) -> list[str]:
    found: list[str] = []
    stack = list(framework.stars_by_code[code].requires)
    while stack:
        req = stack.pop()
        if req in found or by_code[req].awarded:
            continue
        found.append(req)
        stack.extend(framework.stars_by_code[req].requires)
    return sorted(found)


def _star_gap(star: Star, sr: StarResult, framework: Framework) -> StarGap:
    rules = framework.rules_by_code
    cur = sr.rule_scores
    blockers: list[Blocker] = []
    chosen: dict[str, float] = {}  # rule code -> target points
    mandatory: set[str] = set()
    reachable = True
    vetoed = set(sr.veto_events)  # a recorded veto is not undone by raising the rule's answer
    for kind, codes in (("required", sr.failed_required), ("veto_rule", sr.failed_veto)):
        for code in sorted(set(codes) - vetoed):
            rule = rules[code]
            target = rule.lowest_points_at_least(rule.pass_mark)
            blockers.append(_blocker(kind, rule, cur[code], target))
            if target is None:
                reachable = False
            else:
                chosen[code] = target
                mandatory.add(code)
    for code in sorted(sr.veto_events):
        blockers.append(_blocker("veto_event", rules[code], cur.get(code), None))
        reachable = False
    short = sr.pass_mark - sr.score - sum(chosen[c] - cur[c] for c in chosen)
    if short > EPS:  # first raise the mandatory items further: adds no item to the set
        extra = sorted((c for c in chosen if rules[c].best_points - chosen[c] > EPS),
                       key=lambda c: (-(rules[c].best_points - chosen[c]), c))
        for code in extra:
            if short <= EPS:
                break
            short -= rules[code].best_points - chosen[code]
            chosen[code] = rules[code].best_points
    if short > EPS:  # then the fewest other rules: largest gain first
        candidates = sorted(
            (c for c in cur if c not in chosen and c not in vetoed and rules[c].best_points - cur[c] > EPS),
            key=lambda c: (-(rules[c].best_points - cur[c]), c),
        )
        for code in candidates:
            if short <= EPS:
                break
            short -= rules[code].best_points - cur[code]
            chosen[code] = rules[code].best_points
        if short > EPS:
            reachable = False
    order = sorted(mandatory) + [c for c in chosen if c not in mandatory]
    improvements = [_improvement(rules[c], cur[c], chosen[c], c in mandatory) for c in order]
    gap = StarGap(
        star_code=star.code,
        star_name=star.name,
        order=star.order,
        score=sr.score,
        max=sr.max,
        pass_mark=sr.pass_mark,
        points_short=sr.points_short,
        qualified=sr.qualified,
        reachable=reachable,
        blockers=blockers,
        improvements=improvements,
        missing_requires=list(sr.missing_requires),
        notes=[],
    )
    gap.notes = _notes(gap, framework)
    return gap


def _blocker(kind: str, rule: Rule, current: float | None, target: float | None) -> Blocker:
    label = rule_label(rule.code, rule.text)
    if kind == "veto_event":
        message = f"一票否决：{label}已记录否决事项，本轮无法通过整改消除"
    else:
        need = f"（得 {fmt(current)} 分，需 {fmt(rule.pass_mark)} 分）"
        prefix = "必达细则" if kind == "required" else "一票否决细则"
        message = f"{prefix} {label}未达标{need}"
        message += "，须整改达标" if target is not None else "，无法达到"
    return Blocker(kind, rule.code, rule.text, current, target, target is not None, message)


def _improvement(rule: Rule, current: float, target: float, mandatory: bool) -> Improvement:
    value = rule.value_for_points(target)
    gain = round(target - current, 6)
    return Improvement(
        rule.code, rule.text, rule.kind, current, target, gain, mandatory, value,
        _action(rule, target, value),
    )


def _action(rule: Rule, target: float, value: object) -> str:
    kind = rule.kind
    if kind == "check":
        return "完成该项（记为“是”）"
    if kind == "points":
        return f"得分提高到 {fmt(target)} 分"
    if kind == "deduction":
        return "扣分事项清零" if value == 0 else f"扣分事项不超过 {value} 次"
    name = KNOWN_INDICATORS[rule.indicator][0] if rule.indicator else "指标值"
    unit = f" {rule.unit}" if rule.unit else ""
    return f"{name}达到 {fmt(value)}{unit}"


def _notes(gap: StarGap, framework: Framework) -> list[str]:
    notes: list[str] = []
    if any(b.kind == "veto_event" for b in gap.blockers):
        notes.append("已记录一票否决事项，本轮无法通过整改获得该星")
    if gap.points_short:
        notes.append(f"还差 {fmt_up(gap.points_short)} 分（得分 {fmt_down(gap.score)}，通过分 {fmt(gap.pass_mark)}）")
    fixable = [b for b in gap.blockers if b.fixable]
    if fixable:
        notes.append(f"有 {len(fixable)} 项必达/否决细则未达标")
    if gap.improvements:
        notes.append(f"至少需改进 {len(gap.improvements)} 项细则（可增加 {fmt(gap.gain)} 分）")
    elif gap.qualified:
        notes.append("本星自身条件已满足")
    if gap.missing_requires:
        names = [framework.stars_by_code[c].name for c in gap.missing_requires]
        notes.append(f"需先获得 {star_names(names)}")
    if not gap.reachable and not any(b.kind == "veto_event" for b in gap.blockers):
        notes.append("即使全部细则得满分也无法达到通过条件")
    return notes
