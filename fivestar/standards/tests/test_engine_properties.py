"""Property-based tests of the rating engine over random small frameworks and results.

Pure Python: no Django, no database.
"""

import itertools

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from fivestar.standards.engine import (
    evaluate,
    gaps,
    load_framework,
    validate_framework,
    validate_inputs,
)

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
KINDS = ["check", "points", "deduction", "metric"]


@st.composite
def rule_data(draw, code: str) -> dict:
    kind = draw(st.sampled_from(KINDS))
    mx = draw(st.integers(1, 10))
    data: dict = {"code": code, "text": f"细则{code}", "kind": kind, "max": mx}
    top = mx
    if kind == "deduction":
        data["per_occurrence"] = draw(st.sampled_from([0.5, 1, 2, 3]))
    if kind == "metric":
        mins = sorted(draw(st.sets(st.integers(0, 100), min_size=1, max_size=3)))
        pts = sorted(draw(st.lists(st.integers(0, 2 * mx), min_size=len(mins) - 1, max_size=len(mins) - 1))) + [2 * mx]
        data["thresholds"] = [{"min": m, "points": p / 2} for m, p in zip(mins, pts)]
        top = pts[-1] / 2
        if draw(st.booleans()):
            data["indicator"] = "collective_income"
    for flag in ("required", "veto", "na_allowed"):
        data[flag] = draw(st.integers(0, 3)) == 0
    if data["required"] or data["veto"] or draw(st.booleans()):
        # a required or veto rule with pass mark 0 would be no requirement at all
        data["pass_mark"] = draw(st.integers(1 if data["required"] or data["veto"] else 0, int(2 * top))) / 2
    return data


@st.composite
def framework_data(draw) -> dict:
    n = draw(st.integers(1, 4))
    codes = [f"s{i}" for i in range(n)]
    rank = draw(st.permutations(codes))  # dependencies only point to lower-ranked stars
    stars = []
    for code in codes:
        earlier = rank[: rank.index(code)]
        requires = draw(st.lists(st.sampled_from(earlier), unique=True, max_size=3)) if earlier else []
        rules = [draw(rule_data(f"{code}-1-{k}")) for k in range(draw(st.integers(1, 6)))]
        total = sum(r["max"] for r in rules)
        s = {"code": code, "name": f"星{code}", "requires": requires,
             "standards": [{"code": f"{code}-1", "name": "标准", "rules": rules}]}
        if draw(st.booleans()):
            s["pass_ratio"] = draw(st.sampled_from([0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 1]))
        if draw(st.booleans()):
            s["pass_score"] = draw(st.integers(0, total))
        stars.append(s)
    return {"code": "prop", "name": "随机框架", "branch_type": "rural", "stars": stars}


BEST = {"check": True, "deduction": 0, "metric": 1000}


def value_for(draw, rule, quality: int = 0):
    """A valid recorded value for `rule` (or None: nothing recorded).

    With probability quality/10 the value earns full points, so that generated branches
    earn stars often enough for the properties to be meaningful.
    """
    if draw(st.integers(0, 9)) < quality:
        return rule.max if rule.kind == "points" else BEST[rule.kind]
    if draw(st.integers(0, 5)) == 0:
        return None
    if rule.kind == "check":
        return draw(st.booleans())
    if rule.kind == "points":
        return draw(st.integers(0, int(2 * rule.max))) / 2
    if rule.kind == "deduction":
        return draw(st.integers(0, 12))
    return draw(st.integers(-5, 120))


@st.composite
def scenario(draw):
    """(framework, results, not_applicable, veto_events, indicators)."""
    data = draw(framework_data())
    assert validate_framework(data) == [], validate_framework(data)
    fw = load_framework(data)
    results = {}
    quality = draw(st.integers(0, 10))
    for code, rule in fw.rules_by_code.items():
        value = value_for(draw, rule, quality)
        if value is not None:
            results[code] = value
    na = [c for c, r in fw.rules_by_code.items() if r.na_allowed and draw(st.integers(0, 3)) == 0]
    vetoes = [c for c, r in fw.rules_by_code.items() if r.veto and draw(st.integers(0, 5)) == 0]
    indicators = {"collective_income": draw(st.integers(0, 120))} if draw(st.booleans()) else None
    return fw, results, na, vetoes, indicators


def effective_value(rule, results, indicators):
    value = results.get(rule.code)
    if value is None and rule.indicator and indicators:
        value = indicators.get(rule.indicator)
    return value


def awarded(fw, results, na, vetoes, indicators) -> set[str]:
    return set(evaluate(fw, results, na, vetoes, indicators).awarded_codes)


# -- basic consistency ------------------------------------------------------------------------


@SETTINGS
@given(scenario())
def test_generated_inputs_are_valid_and_scores_match_points_for(s):
    fw, results, na, vetoes, indicators = s
    assert validate_inputs(fw, results, na, vetoes, indicators) == []
    ev = evaluate(fw, results, na, vetoes, indicators)
    for sr in ev.stars:
        star = fw.star(sr.code)
        applicable = [r for r in star.rules if r.code not in na]
        assert set(sr.rule_scores) == {r.code for r in applicable}
        for r in applicable:  # the inlined scoring equals Rule.points_for
            assert sr.rule_scores[r.code] == r.points_for(effective_value(r, results, indicators))
            assert 0 <= sr.rule_scores[r.code] <= r.max
        assert sr.score == pytest.approx(sum(sr.rule_scores.values()))
        assert sr.max == pytest.approx(sum(r.max for r in applicable))


@SETTINGS
@given(scenario())
def test_rating_is_the_number_of_awarded_stars(s):
    ev = evaluate(*s)
    assert ev.rating == len(ev.awarded_codes) == sum(sr.awarded for sr in ev.stars)
    assert ev.awarded_codes == [sr.code for sr in ev.stars if sr.awarded]
    assert [sr.code for sr in ev.stars] == [st_.code for st_ in s[0].stars]


@SETTINGS
@given(scenario())
def test_dependencies_are_always_respected(s):
    fw = s[0]
    ev = evaluate(*s)
    by_code = {sr.code: sr for sr in ev.stars}
    for sr in ev.stars:
        requires = fw.star(sr.code).requires
        assert sr.awarded == (sr.qualified and all(by_code[r].awarded for r in requires))
        assert sr.missing_requires == [r for r in requires if not by_code[r].awarded]


# -- monotonicity -------------------------------------------------------------------------------


@SETTINGS
@given(scenario(), st.data())
def test_improving_a_rule_result_never_loses_a_star(s, data):
    """Giving one rule a result worth at least as many points never loses any star
    (own conditions or dependencies): pass marks depend only on what is 不适用."""
    fw, results, na, vetoes, indicators = s
    rule = data.draw(st.sampled_from(list(fw.rules_by_code.values())))
    other = value_for(data.draw, rule)
    a = dict(results)
    b = dict(results)
    if other is None:
        b.pop(rule.code, None)
    else:
        b[rule.code] = other
    pa = rule.points_for(effective_value(rule, a, indicators))
    pb = rule.points_for(effective_value(rule, b, indicators))
    worse, better = (a, b) if pa <= pb else (b, a)
    assert awarded(fw, worse, na, vetoes, indicators) <= awarded(fw, better, na, vetoes, indicators)


@SETTINGS
@given(scenario(), st.integers(0, 120), st.integers(0, 120))
def test_a_higher_indicator_never_loses_a_star(s, x, y):
    fw, results, na, vetoes, _ = s
    low, high = sorted((x, y))
    assert awarded(fw, results, na, vetoes, {"collective_income": low}) <= awarded(
        fw, results, na, vetoes, {"collective_income": high}
    )


@SETTINGS
@given(scenario(), st.data())
def test_a_veto_event_always_denies_its_star(s, data):
    """A recorded veto event denies its star — whatever the scores, even if the rule is
    不适用 — and therefore every star depending on it."""
    fw, results, na, vetoes, indicators = s
    veto_rules = [r for r in fw.rules_by_code.values() if r.veto]
    assume(veto_rules)
    rule = data.draw(st.sampled_from(veto_rules))
    ev = evaluate(fw, results, na, [*vetoes, rule.code], indicators)
    sr = ev.star(rule.star_code)
    assert not sr.qualified and not sr.awarded and rule.code in sr.veto_events
    dependents = {rule.star_code}
    for code in fw.topo_order:
        if set(fw.star(code).requires) & dependents:
            dependents.add(code)
    assert not dependents & set(ev.awarded_codes)


LOWEST = {"check": False, "points": 0, "deduction": 1000, "metric": -1000}


@SETTINGS
@given(scenario(), st.data())
def test_not_applicable_never_turns_a_pass_into_a_fail(s, data):
    """Invariant (docs/framework-format.md, "Pass marks and 不适用"): marking a rule 不适用
    never loses any star when the rule's points are at most ρ × its max, where ρ is its
    star's effective ratio max(pass_ratio, pass_score / total max), or 1 when neither is set.
    From S ≥ ρM and s ≤ ρm follows S − s ≥ ρ(M − m); the rule's required/veto check goes
    away and veto events are untouched. (It does not hold for a rule scoring above ρ × max:
    see test_not_applicable_can_deny_when_the_rule_scored_above_the_ratio.)"""
    fw, results, na, vetoes, indicators = s
    candidates = [r for r in fw.rules_by_code.values() if r.na_allowed and r.code not in na]
    assume(candidates)
    rule = data.draw(st.sampled_from(candidates))
    rho = fw.star(rule.star_code).effective_ratio
    results = dict(results)
    if rule.points_for(effective_value(rule, results, indicators)) > rho * rule.max:
        results[rule.code] = LOWEST[rule.kind]
    assert rule.points_for(effective_value(rule, results, indicators)) <= rho * rule.max + 1e-9
    before = awarded(fw, results, na, vetoes, indicators)
    after = awarded(fw, results, [*na, rule.code], vetoes, indicators)
    assert before <= after


@st.composite
def tight_star(draw):
    """One star of points rules with random pass settings: scores land near the pass mark
    often, which is where the 不适用 invariant can break."""
    maxes = draw(st.lists(st.integers(1, 10), min_size=2, max_size=5))
    rules = [{"code": f"r{i}", "text": f"细则{i}", "kind": "points", "max": m, "na_allowed": True}
             for i, m in enumerate(maxes)]
    star = {"code": "s", "name": "星", "standards": [{"code": "s-1", "name": "标准", "rules": rules}]}
    if draw(st.booleans()):
        star["pass_ratio"] = draw(st.sampled_from([0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 1]))
    if draw(st.booleans()):
        star["pass_score"] = draw(st.integers(0, sum(maxes)))
    fw = load_framework({"code": "t", "name": "紧", "branch_type": "rural", "stars": [star]})
    results = {f"r{i}": draw(st.integers(0, 2 * m)) / 2 for i, m in enumerate(maxes)}
    return fw, results


@settings(max_examples=1000, deadline=None)
@given(tight_star(), st.data())
def test_not_applicable_invariant_near_the_pass_mark(s, data):
    """Same invariant as above, on stars whose scores sit near the pass mark."""
    fw, results = s
    rule = data.draw(st.sampled_from(fw.stars[0].rules))
    rho = fw.stars[0].effective_ratio
    assume(results[rule.code] <= rho * rule.max)
    before = evaluate(fw, results).stars[0]
    after = evaluate(fw, results, [rule.code]).stars[0]
    assert not before.awarded or after.awarded, (before, after)


# -- gaps -----------------------------------------------------------------------------------------


@SETTINGS
@given(scenario())
def test_gaps_cover_exactly_the_stars_not_awarded_and_are_sorted(s):
    fw, results, na, vetoes, indicators = s
    ev = evaluate(*s)
    report = gaps(fw, results, na, vetoes, indicators, evaluation=ev)
    assert {g.star_code for g in report} == {sr.code for sr in ev.stars if not sr.awarded}
    keys = [(not g.total_reachable, g.total_points_short, g.total_improvements) for g in report]
    assert keys == sorted(keys)
    assert report.closest_star is (report[0] if report else None)
    assert gaps(fw, results, na, vetoes, indicators).to_dict() == report.to_dict()


@SETTINGS
@given(scenario())
def test_applying_improvements_meets_the_own_conditions(s):
    fw, results, na, vetoes, indicators = s
    for gap in gaps(fw, results, na, vetoes, indicators):
        if not gap.reachable:
            continue
        improved = dict(results)
        for imp in gap.improvements:
            rule = fw.rules_by_code[imp.rule_code]
            assert rule.points_for(imp.target_value) >= imp.target - 1e-9
            assert imp.gain == pytest.approx(imp.target - imp.current) and imp.gain > 0
            improved[imp.rule_code] = imp.target_value
        assert validate_inputs(fw, improved, na, vetoes, indicators) == []
        sr = evaluate(fw, improved, na, vetoes, indicators).star(gap.star_code)
        assert sr.qualified, (gap, sr)


@SETTINGS
@given(scenario())
def test_improvement_set_is_the_smallest(s):
    """No smaller set of rules, each raised to its best points, meets the own conditions."""
    fw, results, na, vetoes, indicators = s
    ev = evaluate(fw, results, na, vetoes, indicators)
    for gap in gaps(fw, results, na, vetoes, indicators, evaluation=ev):
        if not gap.reachable or gap.qualified:
            continue
        sr = ev.star(gap.star_code)
        codes = sorted(sr.rule_scores)
        smallest = None
        for size in range(len(codes) + 1):
            for subset in itertools.combinations(codes, size):
                trial = dict(results)
                for code in subset:
                    rule = fw.rules_by_code[code]
                    trial[code] = rule.value_for_points(rule.best_points)
                if evaluate(fw, trial, na, vetoes, indicators).star(gap.star_code).qualified:
                    smallest = size
                    break
            if smallest is not None:
                break
        assert len(gap.improvements) == smallest


@SETTINGS
@given(framework_data())
def test_frameworks_round_trip(data):
    fw = load_framework(data)
    assert load_framework(fw.to_data()) == fw
    assert list(fw.rules_by_code) == [r.code for r in fw.rules]
    for code in fw.topo_order:  # every star after the stars it requires
        position = fw.topo_order.index(code)
        assert all(fw.topo_order.index(r) < position for r in fw.star(code).requires)
