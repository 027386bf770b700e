"""Re-evaluating one assessment: one engine call, O(rules), never the whole round."""

from fivestar.indicators.registry import values_for

from ..models import Assessment


def indicators_for(assessment: Assessment) -> dict:
    """The indicator values the assessment reads: those of its round's 指标数据年度 (never the rating year)."""
    return values_for(assessment.org_unit, assessment.round.indicator_year)


def evaluate_assessment(assessment: Assessment, indicators: dict | None = None, *, framework=None):
    """Evaluate the values that count and cache rating, awarded stars, star scores and progress."""
    from fivestar.standards.engine import evaluate

    framework = framework or assessment.framework.compiled()
    indicators = indicators_for(assessment) if indicators is None else indicators
    values = assessment.effective_answers(assessment.round.levels)
    values = {code: v for code, v in values.items() if code in framework.rules_by_code and v is not None}
    na = [code for code in assessment.not_applicable if code in framework.rules_by_code]
    veto = [code for code in assessment.veto_events if code in framework.rules_by_code]
    evaluation = evaluate(framework, values, not_applicable=na, veto_events=veto, indicators=indicators, validate=False)
    assessment.rating = evaluation.rating
    assessment.awarded = list(evaluation.awarded_codes)
    assessment.star_scores = {s.code: {"score": s.score, "max": s.max, "pass_mark": s.pass_mark, "awarded": s.awarded} for s in evaluation.stars}
    answered = (set(values) | set(na)) - set(assessment.to_confirm)  # carried forward, not yet confirmed: not done
    indicator_rules = {r.code for r in framework.rules_by_code.values() if r.indicator and r.indicator in indicators}
    assessment.progress_done = len((answered | indicator_rules) & set(framework.rules_by_code))
    assessment.progress_total = len(framework.rules_by_code)
    return evaluation


def progress_by_star(assessment: Assessment, framework, indicators: dict | None = None) -> list[dict]:
    """Rules done per star; with `indicators`, a rule bound to a recorded indicator counts as done."""
    values = assessment.effective_answers(assessment.round.levels)
    indicators = indicators or {}
    rows = []
    for star in framework.stars:
        codes = [r.code for r in star.rules]
        bound = {r.code for r in star.rules if r.indicator and indicators.get(r.indicator) is not None}
        pending = set(assessment.to_confirm)
        done = sum(1 for c in codes if c not in pending and (values.get(c) is not None or c in assessment.not_applicable or c in bound))
        rows.append({"code": star.code, "name": star.name, "done": done, "total": len(codes)})
    return rows
