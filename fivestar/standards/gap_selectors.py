"""Reads for the village 差距 page: the gap of the branch's CURRENT assessment (the latest round's), through
the very evaluation the assessment page uses, so the 差距 page, the assessment, the village page and the
public notice agree; and, for 模拟测算, the same answers as an editable starting point that is never saved.
A fixed number of queries (never one per rule)."""

import re
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from fivestar.indicators import registry
from fivestar.orgs.models import Level, OrgUnit

from .engine import evaluate, gaps
from .models import BranchResult, FrameworkVersion

_YEAR = re.compile(r"(20\d\d)")


def framework_for(unit: OrgUnit) -> FrameworkVersion | None:
    """The latest published framework for the village's branch type that applies where the village is."""
    if unit.level != Level.VILLAGE or not unit.branch_type:
        return None
    return FrameworkVersion.objects.latest_published(unit.branch_type, unit=unit)


def indicator_year(fv: FrameworkVersion) -> int:
    """The year a framework version's saved planning results (BranchResult) read: the year in its version."""
    for text in (fv.version, fv.code):
        match = _YEAR.search(text or "")
        if match:
            return int(match.group(1))
    return date.today().year - 1


def branch_result_for(unit: OrgUnit, fv: FrameworkVersion) -> BranchResult | None:
    return BranchResult.objects.filter(org_unit=unit, framework=fv).select_related("updated_by", "updated_by__person").first()


def indicator_values(unit: OrgUnit, fv: FrameworkVersion) -> dict[str, float]:
    return registry.values_for(unit, indicator_year(fv))


def current_assessment(user, unit: OrgUnit):
    """The branch's assessment in the latest round it takes part in (None when it never took part)."""
    from fivestar.rating.models import Assessment

    return (
        Assessment.objects.visible_to(user).filter(org_unit=unit)
        .select_related("round", "framework", "updated_by", "updated_by__person")
        .order_by("-round__period_start", "-round_id").first()
    )


@dataclass
class Current:
    """The branch's current standing: its assessment (or none), what it earns now and its gaps."""

    assessment: object
    fv: FrameworkVersion | None
    framework: object
    indicators: dict
    indicator_year: int
    evaluation: object = None
    report: list = field(default_factory=list)
    answers: "Answers" = None
    stored_rating: int | None = None  # as cached on the assessment (lists, notices), before re-evaluating

    @property
    def stored_rating_differs(self) -> bool:
        """The cached rating is not what the assessment's answers earn with today's indicator data."""
        return self.stored_rating is not None and self.evaluation is not None and self.stored_rating != self.evaluation.rating


def current_for(user, unit: OrgUnit) -> Current:
    """What the 差距 page shows: the current assessment evaluated exactly as the assessment page does
    (rating.selectors_village.live: effective answers of the highest review level, 不适用, veto events,
    the round's 指标数据年度); without an assessment, the latest published framework with no answers."""
    from fivestar.rating.models.round import default_indicator_year
    from fivestar.rating.selectors_village import live
    from fivestar.rating.services.evaluation import indicators_for

    a = current_assessment(user, unit)
    if a is not None:
        a.org_unit = unit  # the loaded object: no query when indicators are read
        framework = a.framework.compiled()
        indicators = indicators_for(a)
        stored = a.rating
        lv = live(a, framework, indicators)  # evaluates in memory; never saves
        return Current(a, a.framework, framework, indicators, a.round.indicator_year, lv.evaluation,
                       list(lv.report), answers_from_assessment(framework, a), stored)
    fv = framework_for(unit)
    if fv is None:
        return Current(None, None, None, {}, 0)
    today = timezone.localdate()
    year = default_indicator_year(today, today)
    framework = fv.compiled()
    indicators = registry.values_for(unit, year)
    answers = Answers()
    evaluation, report = assess(framework, answers, indicators)
    return Current(None, fv, framework, indicators, year, evaluation, list(report), answers)


@dataclass
class Answers:
    """What the form holds: engine inputs, the raw text per field (to re-render), and errors per field."""

    results: dict = field(default_factory=dict)
    not_applicable: list = field(default_factory=list)
    na_reasons: dict = field(default_factory=dict)
    veto_events: list = field(default_factory=list)
    raw: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)

    def add_error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    @property
    def error_count(self) -> int:
        return sum(len(v) for v in self.errors.values())


def raw_of(rule, value) -> str:
    """The text an input shows for a stored value."""
    if value is None:
        return ""
    if rule.kind == "check":
        return "1" if value is True else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def answers_from_assessment(framework, a) -> Answers:
    """The values that count on the assessment (highest review level per rule) as form answers, for
    模拟测算 to start from the real thing; indicator-bound rules are read, never typed."""
    answers = Answers()
    rules = framework.rules_by_code
    for code, value in a.effective_answers(a.round.levels).items():
        rule = rules.get(code)
        if rule is None or rule.indicator or value is None:
            continue
        answers.results[code] = value
        answers.raw[f"r-{code}"] = raw_of(rule, value)
    answers.not_applicable = [c for c in a.not_applicable if c in rules]
    answers.na_reasons = {c: a.not_applicable.get(c) or "" for c in answers.not_applicable}
    answers.veto_events = [c for c in a.veto_events if c in rules]
    return answers


def answers_from_stored(framework, stored: BranchResult | None) -> Answers:
    """Saved results as form answers; results of indicator-bound rules are ignored (the indicator is read)."""
    answers = Answers()
    if stored is None:
        return answers
    rules = framework.rules_by_code
    for code, value in (stored.results or {}).items():
        rule = rules.get(code)
        if rule is None or rule.indicator:
            continue
        answers.results[code] = value
        answers.raw[f"r-{code}"] = raw_of(rule, value)
    answers.not_applicable = [c for c in stored.not_applicable or [] if c in rules and rules[c].na_allowed]
    answers.na_reasons = {c: (stored.na_reasons or {}).get(c, "") for c in answers.not_applicable}
    answers.veto_events = [c for c in stored.veto_events or [] if c in rules and rules[c].veto]
    return answers


def assess(framework, answers: Answers, indicators: dict):
    """(evaluation, gap report) of the answers; tolerant: invalid values count as not recorded."""
    ev = evaluate(framework, answers.results, answers.not_applicable, answers.veto_events, indicators, validate=False)
    return ev, gaps(framework, answers.results, evaluation=ev, validate=False)


@dataclass
class RuleRow:
    rule: object
    raw: str
    na: bool
    reason: str
    veto_event: bool
    points: float | None
    errors: list
    indicator_value: float | None = None


def form_sections(framework, answers: Answers, evaluation, indicators: dict) -> list[dict]:
    """Star → standard → rule rows, with the values to show and the points each rule earns now."""
    na, vetoes = set(answers.not_applicable), set(answers.veto_events)
    sections = []
    for star, result in zip(framework.stars, evaluation.stars):
        standards = []
        for sd in star.standards:
            rows = []
            for rule in sd.rules:
                code = rule.code
                errors = [*answers.errors.get(f"r-{code}", []), *answers.errors.get(f"na-{code}", []),
                          *answers.errors.get(f"nar-{code}", []), *answers.errors.get(f"veto-{code}", [])]
                rows.append(RuleRow(
                    rule=rule, raw=answers.raw.get(f"r-{code}", ""), na=code in na,
                    reason=answers.na_reasons.get(code, ""), veto_event=code in vetoes,
                    points=result.rule_scores.get(code), errors=errors,
                    indicator_value=indicators.get(rule.indicator) if rule.indicator else None,
                ))
            standards.append({"standard": sd, "rules": rows, "error_count": sum(bool(r.errors) for r in rows)})
        sections.append({"star": star, "result": result, "standards": standards,
                         "error_count": sum(s["error_count"] for s in standards)})
    return sections
