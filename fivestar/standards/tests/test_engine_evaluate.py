"""Scoring, flags, pass rules and dependencies (pure Python, no Django, no database)."""

import json

import pytest

from fivestar.standards.engine import InputInvalid, evaluate, load_framework

from .engine_helpers import OTHERS, all_done, five_stars, framework, rule, single, star


def score_of(data, results, **kw):
    fw = load_framework(data)
    return evaluate(fw, results, **kw).stars[0]


# -- rule kinds ------------------------------------------------------------------------------


@pytest.mark.parametrize("value,points", [(True, 4), (False, 0), (None, 0)])
def test_check(value, points):
    sr = score_of(single(rule("r", "check", 4)), {"r": value})
    assert sr.rule_scores == {"r": points} and sr.score == points and sr.max == 4


def test_check_missing_value_scores_zero():
    assert score_of(single(rule("r", "check", 4)), {}).rule_scores == {"r": 0}


@pytest.mark.parametrize("value,points", [(0, 0), (3, 3), (2.5, 2.5), (6, 6), (None, 0)])
def test_points(value, points):
    assert score_of(single(rule("r", "points", 6)), {"r": value}).rule_scores["r"] == points


@pytest.mark.parametrize("count,points", [(0, 3), (1, 2), (2, 1), (3, 0), (10, 0), (None, 0)])
def test_deduction(count, points):
    data = single(rule("r", "deduction", 3, per_occurrence=1))
    results = {} if count is None else {"r": count}
    assert score_of(data, results).rule_scores["r"] == points


def test_deduction_fractional_per_occurrence():
    data = single(rule("r", "deduction", 3, per_occurrence=0.5))
    assert score_of(data, {"r": 3}).rule_scores["r"] == 1.5


TIERS = [{"min": 50000, "points": 6}, {"min": 100000, "points": 10}]


@pytest.mark.parametrize(
    "value,points",
    [(0, 0), (49999.99, 0), (50000, 6), (99999, 6), (100000, 10), (6_800_000, 10), (-5, 0)],
)
def test_metric_tiers(value, points):
    data = single(rule("r", "metric", 10, thresholds=TIERS, unit="元"))
    assert score_of(data, {"r": value}).rule_scores["r"] == points


def test_metric_reads_indicator_when_no_value_recorded():
    data = single(rule("r", "metric", 10, thresholds=TIERS, indicator="collective_income"))
    assert score_of(data, {}, indicators={"collective_income": 60000}).rule_scores["r"] == 6
    # a value recorded for the rule wins over the indicator
    assert score_of(data, {"r": 120000}, indicators={"collective_income": 60000}).rule_scores["r"] == 10
    assert score_of(data, {}).rule_scores["r"] == 0


def test_metric_without_indicator_ignores_indicators():
    data = single(rule("r", "metric", 10, thresholds=TIERS))
    assert score_of(data, {}, indicators={"collective_income": 200000}).rule_scores["r"] == 0


# -- pass rules -------------------------------------------------------------------------------


def ten_rules(**star_kw):
    return single(*[rule(f"r{i:02d}", "points", 10) for i in range(10)], **star_kw)


def test_score_reason_with_shortfall():
    results = {f"r{i:02d}": 8 for i in range(9)}  # 72 of 100
    sr = score_of(ten_rules(pass_ratio=0.8), results)
    assert (sr.score, sr.max, sr.pass_mark, sr.qualified) == (72, 100, 80, False)
    assert sr.reasons == ["得分 72/100，未达到通过分 80（差 8 分）"]
    assert sr.points_short == 8


def test_score_reason_when_passing():
    sr = score_of(ten_rules(pass_ratio=0.8), {f"r{i:02d}": 8 for i in range(10)})
    assert sr.awarded and sr.qualified
    assert sr.reasons == ["得分 80/100，达到通过分 80"]


def test_pass_score_only():
    data = ten_rules(pass_ratio=None, pass_score=60)
    assert score_of(data, {f"r{i:02d}": 10 for i in range(6)}).awarded
    assert not score_of(data, {f"r{i:02d}": 10 for i in range(5)}).awarded


def test_pass_ratio_and_pass_score_both_apply():
    data = ten_rules(pass_ratio=0.6, pass_score=75)
    sr = score_of(data, {f"r{i:02d}": 7 for i in range(10)})
    assert sr.pass_mark == 75 and not sr.awarded
    data = ten_rules(pass_ratio=0.9, pass_score=75)
    assert score_of(data, {}).pass_mark == 90


def test_no_pass_setting_needs_full_marks():
    data = ten_rules(pass_ratio=None)
    assert score_of(data, {}).pass_mark == 100
    assert not score_of(data, {f"r{i:02d}": 10 for i in range(9)}).awarded
    assert score_of(data, {f"r{i:02d}": 10 for i in range(10)}).awarded


def test_float_noise_does_not_deny():
    data = single(*[rule(f"r{i}", "check", 10) for i in range(3)], pass_ratio=0.7)
    sr = score_of(data, {"r0": True, "r1": True, "r2": False})  # 20 of 30 < 21
    assert not sr.awarded
    data = single(rule("a", "points", 30), pass_ratio=0.7)
    sr = score_of(data, {"a": 21})  # 0.7 * 30 == 20.999999999999996 in floats
    assert sr.pass_mark == 21 and sr.awarded


def test_required_rule_failing_denies_whatever_the_score():
    data = single(rule("a", "check", 4, required=True), rule("b", "points", 96), pass_ratio=0.8)
    sr = score_of(data, {"a": False, "b": 96})
    assert sr.score == 96 and not sr.qualified and not sr.awarded
    assert sr.failed_required == ["a"]
    assert "必达细则 a「细则a的内容」未达标（得 0 分，需 4 分）" in sr.reasons


def test_required_rule_with_lower_pass_mark():
    data = single(rule("a", "points", 10, required=True, pass_mark=6), pass_ratio=0.5)
    assert score_of(data, {"a": 6}).awarded
    sr = score_of(data, {"a": 5.5})
    assert not sr.awarded and sr.failed_required == ["a"]


def test_veto_rule_failing_denies():
    data = single(rule("v", "deduction", 5, veto=True, pass_mark=5), rule("b", "points", 95))
    sr = score_of(data, {"v": 1, "b": 95})
    assert sr.score == 99 and not sr.awarded
    assert sr.failed_veto == ["v"] and sr.failed_required == []
    assert "一票否决：v「细则v的内容」未达标（得 4 分，需 5 分）" in sr.reasons
    assert score_of(data, {"v": 0, "b": 95}).awarded


def test_veto_event_denies_even_with_full_score():
    data = single(rule("v", "check", 5, veto=True), rule("b", "points", 95))
    sr = score_of(data, {"v": True, "b": 95}, veto_events=["v"])
    assert sr.score == 100 and not sr.qualified and not sr.awarded
    assert sr.veto_events == ["v"]
    assert "一票否决：v「细则v的内容」已记录否决事项" in sr.reasons


def test_veto_event_counts_even_when_rule_not_applicable():
    data = single(rule("v", "check", 5, veto=True, na_allowed=True), rule("b", "points", 95))
    sr = score_of(data, {"b": 95}, not_applicable=["v"], veto_events=["v"])
    assert not sr.awarded and sr.veto_events == ["v"]


def test_required_and_veto_rule_reported_once_as_veto():
    data = single(rule("x", "check", 5, veto=True, required=True), rule("b", "points", 95))
    sr = score_of(data, {"x": False, "b": 95})
    assert sr.failed_veto == ["x"] and sr.failed_required == []
    assert sum("x「" in r for r in sr.reasons) == 1


# -- not applicable ------------------------------------------------------------------------------


def test_not_applicable_removes_rule_from_score_and_max():
    data = single(rule("a", "check", 10, na_allowed=True), rule("b", "points", 10), pass_ratio=0.8)
    sr = score_of(data, {"a": True, "b": 8}, not_applicable=["a"])
    assert (sr.score, sr.max, sr.pass_mark) == (8, 10, 8)
    assert sr.rule_scores == {"b": 8} and sr.not_applicable == ["a"]
    assert sr.awarded


def test_not_applicable_required_rule_is_not_checked():
    data = single(rule("a", "check", 10, required=True, na_allowed=True), rule("b", "points", 10))
    assert score_of(data, {"b": 10}, not_applicable=["a"]).awarded
    assert not score_of(data, {"b": 10}).awarded


def test_pass_score_is_scaled_by_applicable_share():
    data = ten_rules(pass_ratio=None, pass_score=80)
    data["stars"][0]["standards"][0]["rules"][0]["na_allowed"] = True
    data["stars"][0]["standards"][0]["rules"][1]["na_allowed"] = True
    sr = score_of(data, {f"r{i:02d}": 8 for i in range(2, 10)}, not_applicable=["r00", "r01"])
    assert (sr.score, sr.max, sr.pass_mark) == (64, 80, 64) and sr.awarded


def test_all_rules_not_applicable():
    data = single(rule("a", "check", 10, na_allowed=True))
    sr = score_of(data, {}, not_applicable=["a"])
    assert (sr.score, sr.max, sr.pass_mark, sr.awarded) == (0, 0, 0, True)


def test_not_applicable_can_deny_when_the_rule_scored_above_the_ratio():
    """Documented counter-example (docs/framework-format.md, "Pass marks and 不适用")."""
    data = single(rule("a", "points", 10, na_allowed=True), rule("b", "points", 10), pass_ratio=0.8)
    assert score_of(data, {"a": 10, "b": 6}).awarded
    assert not score_of(data, {"a": 10, "b": 6}, not_applicable=["a"]).awarded


# -- dependencies ----------------------------------------------------------------------------------


def test_capstone_all_five():
    data = five_stars("capstone")
    ev = evaluate(load_framework(data), all_done(data))
    assert ev.rating == 5 and ev.awarded_codes == ["zbgy", *OTHERS]


def test_capstone_denied_when_another_star_missing():
    data = five_stars("capstone")
    results = all_done(data)
    results.update(all_done(data, "cyxw", failed=3))  # cyxw: 70 of 100
    ev = evaluate(load_framework(data), results)
    zbgy = ev.star("zbgy")
    assert zbgy.qualified and not zbgy.awarded
    assert zbgy.missing_requires == ["cyxw"]
    assert zbgy.reasons[-1] == "依赖未满足：需先获得 产业兴旺星"
    assert ev.rating == 3 and ev.awarded_codes == ["stjy", "paf", "wmxf"]


def test_capstone_lists_every_missing_star():
    data = five_stars("capstone")
    results = all_done(data, "zbgy")
    results.update(all_done(data, "paf"))
    zbgy = evaluate(load_framework(data), results).star("zbgy")
    assert zbgy.reasons[-1] == "依赖未满足：需先获得 产业兴旺星、生态宜居星、文明幸福星"


def test_base_star_gates_the_others():
    data = five_stars("base")
    results = all_done(data)
    results.update(all_done(data, "zbgy", failed=5))
    ev = evaluate(load_framework(data), results)
    assert ev.rating == 0 and ev.awarded_codes == []
    for code in OTHERS:
        sr = ev.star(code)
        assert sr.qualified and not sr.awarded
        assert sr.reasons[-1] == "依赖未满足：需先获得 支部过硬星"


def test_base_star_awarded_alone():
    data = five_stars("base")
    ev = evaluate(load_framework(data), all_done(data, "zbgy"))
    assert ev.rating == 1 and ev.awarded_codes == ["zbgy"]


def test_chained_dependencies_resolve_in_topological_order():
    # c requires b requires a, listed in reverse so file order is not dependency order
    data = framework(
        star("c", [rule("c-1")], requires=["b"]),
        star("b", [rule("b-1")], requires=["a"]),
        star("a", [rule("a-1")]),
    )
    fw = load_framework(data)
    assert fw.topo_order == ("a", "b", "c")
    ev = evaluate(fw, {"a-1": True, "b-1": True, "c-1": True})
    assert ev.awarded_codes == ["c", "b", "a"]
    ev = evaluate(fw, {"a-1": False, "b-1": True, "c-1": True})
    assert ev.rating == 0
    assert ev.star("c").missing_requires == ["b"]  # only the direct requirement is named


# -- evaluation object ---------------------------------------------------------------------------


def test_evaluation_to_dict_is_json():
    data = five_stars("capstone")
    ev = evaluate(load_framework(data), all_done(data))
    d = json.loads(json.dumps(ev.to_dict(), ensure_ascii=False))
    assert d["rating"] == 5 and d["framework"] == "test-fw"
    assert [s["code"] for s in d["stars"]] == ["zbgy", *OTHERS]
    assert set(d["stars"][0]) >= {"code", "name", "score", "max", "pass_mark", "awarded",
                                  "qualified", "reasons", "rule_scores"}
    with pytest.raises(KeyError):
        ev.star("nope")


def test_invalid_inputs_raise():
    fw = load_framework(single(rule("r", "check", 4)))
    with pytest.raises(InputInvalid) as info:
        evaluate(fw, {"r": 1, "x": True})
    assert {e.field for e in info.value.errors} == {"results.r", "results.x"}


def test_without_validation_scoring_is_tolerant():
    data = single(rule("c", "check", 4), rule("p", "points", 6), rule("d", "deduction", 3),
                  rule("m", "metric", 10), pass_ratio=0.1)
    fw = load_framework(data)
    results = {"c": 1, "p": 99, "d": 1.5, "m": float("nan"), "unknown": True}
    sr = evaluate(fw, results, veto_events=["c"], validate=False).stars[0]
    assert sr.rule_scores == {"c": 0, "p": 6, "d": 0, "m": 0}
    assert sr.veto_events == []  # events only count on veto rules


def test_generators_are_accepted():
    data = single(rule("a", "check", 10, na_allowed=True), rule("b", "check", 10))
    fw = load_framework(data)
    sr = evaluate(fw, {"b": True}, not_applicable=(c for c in ["a"])).stars[0]
    assert sr.not_applicable == ["a"] and sr.awarded


def test_a_score_just_below_the_pass_mark_never_reads_as_reaching_it():
    data = single(rule("p", "points", 100), pass_ratio=None, pass_score=80)
    result = evaluate(load_framework(data), {"p": 79.999998}).stars[0]
    assert not result.awarded
    assert result.reasons[0] == "得分 79.99/100，未达到通过分 80（差 0.01 分）"
