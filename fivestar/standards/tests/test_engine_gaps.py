"""Gap analysis (pure Python, no Django, no database)."""

import json

import pytest

from fivestar.standards.engine import evaluate, gaps, load_framework

from .engine_helpers import all_done, five_stars, framework, rule, single, star


def only_gap(data, results, **kw):
    report = gaps(load_framework(data), results, **kw)
    assert len(report) == 1
    return report[0]


def improvements(gap):
    return [(i.rule_code, i.current, i.target, i.gain) for i in gap.improvements]


def test_greedy_largest_gain_first_ties_by_code():
    data = single(
        rule("r1", "check", 20), rule("r2", "check", 10), rule("r3", "points", 10),
        rule("r4", "check", 10), rule("r5", "check", 50), pass_ratio=0.8,
    )
    gap = only_gap(data, {"r5": True, "r3": 5})
    assert (gap.score, gap.pass_mark, gap.points_short) == (55, 80, 25)
    assert improvements(gap) == [("r1", 0, 20, 20), ("r2", 0, 10, 10)]
    assert gap.reachable and gap.blockers == [] and gap.gain == 30
    assert gap.notes == ["还差 25 分（得分 55，通过分 80）", "至少需改进 2 项细则（可增加 30 分）"]


def test_required_rule_raised_to_its_pass_mark_only_when_enough():
    data = single(rule("req", "points", 10, required=True, pass_mark=6),
                  rule("x", "check", 10), rule("big", "check", 80), pass_ratio=0.8)
    gap = only_gap(data, {"req": 2, "big": True})
    assert gap.points_short == 0
    assert [b.kind for b in gap.blockers] == ["required"]
    assert gap.blockers[0].fixable and gap.blockers[0].target == 6
    assert "必达细则 req「细则req的内容」未达标（得 2 分，需 6 分），须整改达标" == gap.blockers[0].message
    assert improvements(gap) == [("req", 2, 6, 4)]
    assert gap.improvements[0].mandatory and gap.improvements[0].action == "得分提高到 6 分"


def test_required_rule_raised_further_before_adding_rules():
    data = single(rule("req", "points", 10, required=True, pass_mark=6),
                  rule("x", "check", 10), rule("big", "points", 80), pass_ratio=0.8)
    gap = only_gap(data, {"req": 2, "big": 70})
    assert gap.points_short == 8
    assert improvements(gap) == [("req", 2, 10, 8)]  # one rule, not two


def test_mandatory_then_greedy():
    data = single(rule("req", "check", 5, required=True), rule("a", "check", 10),
                  rule("b", "check", 20), rule("c", "points", 65), pass_ratio=0.8)
    gap = only_gap(data, {"c": 50})
    assert improvements(gap) == [("req", 0, 5, 5), ("b", 0, 20, 20), ("c", 50, 65, 15)]
    assert [i.mandatory for i in gap.improvements] == [True, False, False]


def test_metric_target_value_and_action():
    tiers = [{"min": 50000, "points": 6}, {"min": 100000, "points": 10}]
    data = single(rule("m", "metric", 10, thresholds=tiers, unit="元", indicator="collective_income",
                       required=True, pass_mark=5), rule("x", "check", 90), pass_ratio=0.5)
    gap = only_gap(data, {"x": True}, indicators={"collective_income": 30000})
    (imp,) = gap.improvements
    assert (imp.current, imp.target, imp.target_value) == (0, 6, 50000)
    assert imp.action == "村集体经济收入达到 50000 元"


def test_metric_without_indicator_action():
    data = single(rule("m", "metric", 10, unit="亩"), pass_ratio=0.5)
    (imp,) = only_gap(data, {"m": 5}).improvements
    assert (imp.target, imp.target_value, imp.action) == (10, 20, "指标值达到 20 亩")


def test_deduction_target_values():
    data = single(rule("d", "deduction", 4, required=True, pass_mark=2), rule("x", "check", 96),
                  pass_ratio=0.5)
    (imp,) = only_gap(data, {"d": 3, "x": True}).improvements
    assert (imp.current, imp.target, imp.target_value) == (1, 2, 2)
    assert imp.action == "扣分事项不超过 2 次"
    data = single(rule("d", "deduction", 4), pass_ratio=1)
    (imp,) = only_gap(data, {"d": 1}).improvements
    assert (imp.target, imp.target_value, imp.action) == (4, 0, "扣分事项清零")


def test_check_action():
    (imp,) = only_gap(single(rule("c", "check", 10)), {}).improvements
    assert (imp.target_value, imp.action) == (True, "完成该项（记为“是”）")


def test_veto_event_cannot_be_fixed_and_sorts_last():
    data = framework(
        star("a", [rule("a-1", "check", 10, veto=True), rule("a-2", "check", 90)], order=1),
        star("b", [rule("b-1", "check", 50), rule("b-2", "check", 50)], order=2),
    )
    report = gaps(load_framework(data), {"a-1": True, "a-2": True}, veto_events=["a-1"])
    assert [g.star_code for g in report] == ["b", "a"]
    assert report.closest_star.star_code == "b"
    a = report[1]
    assert a.points_short == 0 and not a.reachable and not a.total_reachable
    (blocker,) = a.blockers
    assert blocker.kind == "veto_event" and not blocker.fixable
    assert blocker.message == "一票否决：a-1「细则a-1的内容」已记录否决事项，本轮无法通过整改消除"
    assert a.notes[0] == "已记录一票否决事项，本轮无法通过整改获得该星"


def test_failed_veto_rule_is_fixable():
    data = single(rule("v", "check", 10, veto=True), rule("x", "check", 90))
    gap = only_gap(data, {"x": True})
    (blocker,) = gap.blockers
    assert blocker.kind == "veto_rule" and blocker.fixable
    assert blocker.message.startswith("一票否决细则 v「细则v的内容」未达标")
    assert improvements(gap) == [("v", 0, 10, 10)] and gap.reachable


def test_a_vetoed_rule_is_not_offered_as_an_improvement():
    data = single(rule("a", "check", 5, veto=True), rule("b", "check", 5), pass_ratio=0.5)
    gap = only_gap(data, {"a": False, "b": False}, veto_events=["a"])
    assert not gap.reachable
    assert [b.kind for b in gap.blockers] == ["veto_event"]
    assert [i.rule_code for i in gap.improvements] == ["b"]


def test_capstone_missing_dependency():
    data = five_stars("capstone")
    results = all_done(data)
    results.update(all_done(data, "cyxw", failed=1))  # cyxw: 90, still awarded
    results.update(all_done(data, "stjy", failed=3))  # stjy: 70, short 10 (one rule)
    report = gaps(load_framework(data), results)
    assert [g.star_code for g in report] == ["stjy", "zbgy"]
    stjy, zbgy = report
    assert improvements(stjy) == [("stjy-01-01", 0, 10, 10)]
    assert zbgy.qualified and zbgy.improvements == [] and zbgy.missing_requires == ["stjy"]
    assert (zbgy.total_points_short, zbgy.total_improvements) == (10, 1)
    assert zbgy.notes == ["本星自身条件已满足", "需先获得 生态宜居星"]


def test_base_star_gap_counts_transitively():
    data = five_stars("base")
    results = all_done(data)
    results.update(all_done(data, "zbgy", failed=4))  # zbgy 60: short 20, 2 rules
    results.update(all_done(data, "paf", failed=3))  # paf 70: short 10, 1 rule
    report = gaps(load_framework(data), results)
    assert report.closest_star.star_code == "zbgy"
    totals = {g.star_code: (g.total_points_short, g.total_improvements) for g in report}
    assert totals == {"zbgy": (20, 2), "cyxw": (20, 2), "stjy": (20, 2), "wmxf": (20, 2),
                      "paf": (30, 3)}
    assert [g.star_code for g in report] == ["zbgy", "cyxw", "stjy", "wmxf", "paf"]


def test_awarded_stars_have_no_gap():
    data = five_stars("capstone")
    report = gaps(load_framework(data), all_done(data))
    assert list(report) == [] and report.closest_star is None
    assert report.to_dict() == {"closest_star": None, "gaps": []}


def test_reuses_a_given_evaluation_and_is_deterministic():
    data = five_stars("capstone")
    fw = load_framework(data)
    results = all_done(data, "paf", failed=2)
    ev = evaluate(fw, results)
    a = gaps(fw, results, evaluation=ev)
    b = gaps(fw, results)
    assert a.to_dict() == b.to_dict()
    json.dumps(a.to_dict(), ensure_ascii=False)


def test_not_applicable_rules_are_never_suggested():
    data = single(rule("a", "check", 50, na_allowed=True), rule("b", "check", 10),
                  rule("c", "check", 40), pass_ratio=0.5)
    gap = only_gap(data, {}, not_applicable=["a"])
    assert improvements(gap) == [("c", 0, 40, 40)]


@pytest.mark.parametrize("mode", ["capstone", "base"])
def test_applying_the_improvements_earns_the_star(mode):
    data = five_stars(mode)
    fw = load_framework(data)
    results = {code: False for code in fw.rules_by_code}
    for gap in gaps(fw, results):
        for imp in gap.improvements:
            results[imp.rule_code] = imp.target_value
    assert evaluate(fw, results).rating == 5
