"""Framework loading and validation (pure Python, no Django, no database)."""

import dataclasses
import json

import pytest

from fivestar.standards.engine import (
    FrameworkError,
    FrameworkInvalid,
    load_framework,
    validate_framework,
)

from .engine_helpers import clone, framework, rule, star


def sample() -> dict:
    """A valid framework using every kind and flag."""
    zbgy_rules = [
        rule("zbgy-01-01", "check", 4, required=True),
        rule("zbgy-01-02", "points", 6, pass_mark=3),
        rule("zbgy-01-03", "deduction", 3, per_occurrence=1),
        rule("zbgy-01-04", "metric", 10, unit="元", indicator="collective_income",
             thresholds=[{"min": 50000, "points": 6}, {"min": 100000, "points": 10}]),
        rule("zbgy-01-05", "check", 5, veto=True, na_allowed=True,
             evidence={"kinds": ["photo", "document", "ledger"], "min_count": 2, "hint": "文件"}),
    ]
    return framework(
        star("zbgy", zbgy_rules, requires=["cyxw"], order=1, pass_ratio=0.8),
        star("cyxw", [rule("cyxw-01-01", "points", 10)], order=2, pass_ratio=None, pass_score=6),
    )


def errors_of(data) -> list[FrameworkError]:
    return validate_framework(data)


def has_error(errors, location, fragment, code=None) -> bool:
    return any(
        e.location == location and fragment in e.message and (code is None or e.code == code)
        for e in errors
    )


# -- loading -----------------------------------------------------------------------------


def test_sample_is_valid_and_loads():
    assert validate_framework(sample()) == []
    fw = load_framework(sample())
    assert [s.code for s in fw.stars] == ["zbgy", "cyxw"]
    assert fw.topo_order == ("cyxw", "zbgy")
    assert set(fw.rules_by_code) == {"zbgy-01-01", "zbgy-01-02", "zbgy-01-03", "zbgy-01-04",
                                     "zbgy-01-05", "cyxw-01-01"}
    zbgy = fw.star("zbgy")
    assert zbgy.max_total == 28
    assert zbgy.requires == ("cyxw",)
    r = fw.rules_by_code["zbgy-01-01"]
    assert (r.required, r.veto, r.na_allowed, r.pass_mark) == (True, False, False, 4)
    assert fw.rules_by_code["zbgy-01-02"].pass_mark == 3
    assert fw.rules_by_code["zbgy-01-03"].per_occurrence == 1
    metric = fw.rules_by_code["zbgy-01-04"]
    assert [(t.min, t.points) for t in metric.thresholds] == [(50000, 6), (100000, 10)]
    assert metric.indicator == "collective_income" and metric.unit == "元"
    ev = fw.rules_by_code["zbgy-01-05"].evidence
    assert ev.kinds == ("photo", "document", "ledger") and ev.min_count == 2
    assert r.star_code == "zbgy" and r.standard_code == "zbgy-01"


def test_stars_sorted_by_order_and_version_is_text():
    data = sample()
    data["stars"][0]["order"], data["stars"][1]["order"] = 2, 1
    data["version"] = 2023
    fw = load_framework(data)
    assert [s.code for s in fw.stars] == ["cyxw", "zbgy"]
    assert fw.version == "2023"


def test_order_defaults_to_position():
    data = sample()
    for s in data["stars"]:
        del s["order"]
    fw = load_framework(data)
    assert [(s.code, s.order) for s in fw.stars] == [("zbgy", 1), ("cyxw", 2)]


def test_framework_is_immutable():
    fw = load_framework(sample())
    with pytest.raises(dataclasses.FrozenInstanceError):
        fw.code = "x"
    with pytest.raises(dataclasses.FrozenInstanceError):
        fw.rules_by_code["zbgy-01-01"].max = 100
    assert isinstance(fw.stars, tuple) and isinstance(fw.stars[0].rules, tuple)


def test_to_data_round_trips():
    fw = load_framework(sample())
    again = load_framework(json.loads(json.dumps(fw.to_data())))
    assert again == fw
    assert again.rules_by_code.keys() == fw.rules_by_code.keys()


def test_load_raises_with_every_error():
    data = sample()
    data["branch_type"] = "city"
    data["stars"][0]["standards"][0]["rules"][1]["max"] = -1
    with pytest.raises(FrameworkInvalid) as info:
        load_framework(data)
    assert len(info.value.errors) == 2
    assert "branch_type" in str(info.value) and "max" in str(info.value)


def test_error_str_and_dict():
    e = FrameworkError("stars[0].standards[0].rules[1].max", "满分 max 必须是大于 0 的数", "zbgy-01-02")
    assert str(e) == "stars[0].standards[0].rules[1].max（zbgy-01-02）：满分 max 必须是大于 0 的数"
    assert e.to_dict()["code"] == "zbgy-01-02"


def test_not_a_mapping():
    errors = validate_framework(["not", "a", "dict"])
    assert len(errors) == 1 and "映射" in errors[0].message


# -- every validation error ----------------------------------------------------------------

R1 = "stars[0].standards[0].rules[1]"  # zbgy-01-02, points
R2 = "stars[0].standards[0].rules[2]"  # zbgy-01-03, deduction
R3 = "stars[0].standards[0].rules[3]"  # zbgy-01-04, metric
R4 = "stars[0].standards[0].rules[4]"  # zbgy-01-05, check with evidence


def _rules(d):
    return d["stars"][0]["standards"][0]["rules"]


def _set(path_fn, key, value):
    def mutate(d):
        path_fn(d)[key] = value
    return mutate


def _del(path_fn, key):
    def mutate(d):
        del path_fn(d)[key]
    return mutate


CASES = [
    # codes
    ("missing framework code", _del(lambda d: d, "code"), "code", "缺少框架编码"),
    ("missing star code", _del(lambda d: d["stars"][1], "code"), "stars[1].code", "缺少星级编码"),
    ("missing standard code", _del(lambda d: d["stars"][1]["standards"][0], "code"),
     "stars[1].standards[0].code", "缺少创建标准编码"),
    ("missing rule code", _del(lambda d: _rules(d)[1], "code"), f"{R1}.code", "缺少细则编码"),
    ("bad code format", _set(lambda d: _rules(d)[1], "code", "ZBGY 01"), f"{R1}.code", "格式不正确"),
    ("duplicate rule code", _set(lambda d: _rules(d)[1], "code", "zbgy-01-01"), f"{R1}.code",
     "编码 zbgy-01-01 重复（已用于 stars[0].standards[0].rules[0]）"),
    ("rule code equals star code", _set(lambda d: _rules(d)[1], "code", "cyxw"), "stars[1].code",
     "编码 cyxw 重复"),
    ("standard code equals rule code", _set(lambda d: d["stars"][1]["standards"][0], "code", "zbgy-01-01"),
     "stars[1].standards[0].code", "重复"),
    ("duplicate star code", _set(lambda d: d["stars"][1], "code", "zbgy"), "stars[1].code", "编码 zbgy 重复"),
    # kinds and maximums
    ("unknown kind", _set(lambda d: _rules(d)[1], "kind", "bonus"), f"{R1}.kind", "未知的细则类型 'bonus'"),
    ("missing max", _del(lambda d: _rules(d)[1], "max"), f"{R1}.max", "缺少满分 max"),
    ("zero max", _set(lambda d: _rules(d)[1], "max", 0), f"{R1}.max", "必须是大于 0 的数"),
    ("negative max", _set(lambda d: _rules(d)[1], "max", -2), f"{R1}.max", "必须是大于 0 的数"),
    ("bool max", _set(lambda d: _rules(d)[1], "max", True), f"{R1}.max", "必须是大于 0 的数"),
    ("text max", _set(lambda d: _rules(d)[1], "max", "6"), f"{R1}.max", "必须是大于 0 的数"),
    # deduction
    ("missing per_occurrence", _del(lambda d: _rules(d)[2], "per_occurrence"), f"{R2}.per_occurrence",
     "扣分项必须设置每次扣分"),
    ("zero per_occurrence", _set(lambda d: _rules(d)[2], "per_occurrence", 0), f"{R2}.per_occurrence",
     "必须大于 0"),
    ("negative per_occurrence", _set(lambda d: _rules(d)[2], "per_occurrence", -1), f"{R2}.per_occurrence",
     "必须大于 0"),
    ("per_occurrence on points", _set(lambda d: _rules(d)[1], "per_occurrence", 1), f"{R1}.per_occurrence",
     "只有扣分项"),
    # metric
    ("missing thresholds", _del(lambda d: _rules(d)[3], "thresholds"), f"{R3}.thresholds", "必须设置分档"),
    ("empty thresholds", _set(lambda d: _rules(d)[3], "thresholds", []), f"{R3}.thresholds", "必须设置分档"),
    ("thresholds not ascending", _set(lambda d: _rules(d)[3], "thresholds",
     [{"min": 100000, "points": 6}, {"min": 100000, "points": 10}]), f"{R3}.thresholds[1].min", "严格递增"),
    ("thresholds descending", _set(lambda d: _rules(d)[3], "thresholds",
     [{"min": 100000, "points": 6}, {"min": 50000, "points": 10}]), f"{R3}.thresholds[1].min", "严格递增"),
    ("threshold points above max", _set(lambda d: _rules(d)[3], "thresholds",
     [{"min": 1, "points": 6}, {"min": 2, "points": 12}]), f"{R3}.thresholds[1].points", "超过满分 10"),
    ("threshold points decreasing", _set(lambda d: _rules(d)[3], "thresholds",
     [{"min": 1, "points": 8}, {"min": 2, "points": 6}]), f"{R3}.thresholds[1].points", "不能递减"),
    ("threshold negative points", _set(lambda d: _rules(d)[3], "thresholds",
     [{"min": 1, "points": -1}]), f"{R3}.thresholds[0].points", "非负数"),
    ("threshold malformed", _set(lambda d: _rules(d)[3], "thresholds", [{"min": 1}]),
     f"{R3}.thresholds[0]", "min 和 points"),
    ("threshold min not a number", _set(lambda d: _rules(d)[3], "thresholds", [{"min": "1", "points": 1}]),
     f"{R3}.thresholds[0].min", "必须是数值"),
    ("thresholds on check", _set(lambda d: _rules(d)[0], "thresholds", [{"min": 1, "points": 1}]),
     "stars[0].standards[0].rules[0].thresholds", "只有指标项"),
    ("unit on points", _set(lambda d: _rules(d)[1], "unit", "元"), f"{R1}.unit", "只有指标项"),
    ("unknown indicator", _set(lambda d: _rules(d)[3], "indicator", "population"), f"{R3}.indicator",
     "未知的指标 'population'"),
    # pass marks
    ("pass_mark above max", _set(lambda d: _rules(d)[1], "pass_mark", 7), f"{R1}.pass_mark", "超过满分 6"),
    ("negative pass_mark", _set(lambda d: _rules(d)[1], "pass_mark", -1), f"{R1}.pass_mark", "非负数"),
    ("pass_ratio zero", _set(lambda d: d["stars"][0], "pass_ratio", 0), "stars[0].pass_ratio", "大于 0 且不超过 1"),
    ("pass_ratio above one", _set(lambda d: d["stars"][0], "pass_ratio", 1.5), "stars[0].pass_ratio",
     "大于 0 且不超过 1"),
    ("pass_ratio negative", _set(lambda d: d["stars"][0], "pass_ratio", -0.2), "stars[0].pass_ratio",
     "大于 0 且不超过 1"),
    ("pass_ratio text", _set(lambda d: d["stars"][0], "pass_ratio", "0.8"), "stars[0].pass_ratio",
     "大于 0 且不超过 1"),
    ("pass_score above total", _set(lambda d: d["stars"][1], "pass_score", 11), "stars[1].pass_score",
     "通过分 11 超过该星满分 10"),
    ("pass_score negative", _set(lambda d: d["stars"][1], "pass_score", -1), "stars[1].pass_score", "非负数"),
    # dependencies
    ("unknown required star", _set(lambda d: d["stars"][0], "requires", ["cyxw", "xxx"]),
     "stars[0].requires[1]", "依赖了未知的星级 'xxx'"),
    ("duplicate required star", _set(lambda d: d["stars"][0], "requires", ["cyxw", "cyxw"]),
     "stars[0].requires[1]", "依赖星级 cyxw 重复"),
    ("cycle", _set(lambda d: d["stars"][1], "requires", ["zbgy"]), "stars[0].requires",
     "星级依赖存在循环：zbgy → cyxw → zbgy"),
    ("self dependency", _set(lambda d: d["stars"][1], "requires", ["cyxw"]), "stars[1].requires",
     "星级依赖存在循环：cyxw → cyxw"),
    ("requires not a list", _set(lambda d: d["stars"][1], "requires", "zbgy"), "stars[1].requires",
     "星级编码列表"),
    # evidence, branch type, flags, structure
    ("unknown evidence kind", _set(lambda d: _rules(d)[4]["evidence"], "kinds", ["photo", "video"]),
     f"{R4}.evidence.kinds[1]", "未知的佐证类型 'video'"),
    ("negative evidence count", _set(lambda d: _rules(d)[4]["evidence"], "min_count", -1),
     f"{R4}.evidence.min_count", "非负整数"),
    ("unknown branch type", _set(lambda d: d, "branch_type", "urban"), "branch_type", "未知的支部类型 'urban'"),
    ("missing branch type", _del(lambda d: d, "branch_type"), "branch_type", "未知的支部类型 None"),
    ("flag not bool", _set(lambda d: _rules(d)[1], "required", "yes"), f"{R1}.required", "true 或 false"),
    ("unknown rule field", _set(lambda d: _rules(d)[1], "requried", True), f"{R1}.requried", "未知字段 requried"),
    ("unknown star field", _set(lambda d: d["stars"][0], "pass", 80), "stars[0].pass", "未知字段 pass"),
    ("missing rule text", _del(lambda d: _rules(d)[1], "text"), f"{R1}.text", "缺少细则内容"),
    ("missing star name", _set(lambda d: d["stars"][0], "name", " "), "stars[0].name", "缺少星级名称"),
    ("missing framework name", _del(lambda d: d, "name"), "name", "缺少框架名称"),
    ("no stars", _set(lambda d: d, "stars", []), "stars", "非空列表"),
    ("no standards", _set(lambda d: d["stars"][1], "standards", []), "stars[1].standards", "非空列表"),
    ("no rules", _set(lambda d: d["stars"][1]["standards"][0], "rules", []), "stars[1].standards[0].rules",
     "非空列表"),
    ("rule not a mapping", _set(lambda d: d["stars"][1]["standards"][0], "rules", ["x"]),
     "stars[1].standards[0].rules[0]", "必须是映射"),
    ("order not int", _set(lambda d: d["stars"][0], "order", "1"), "stars[0].order", "必须是整数"),
    ("duplicate order", _set(lambda d: d["stars"][1], "order", 1), "stars[1].order", "与 stars[0] 重复"),
]


@pytest.mark.parametrize("name,mutate,location,fragment", CASES, ids=[c[0] for c in CASES])
def test_each_validation_error(name, mutate, location, fragment):
    data = clone(sample())
    mutate(data)
    errors = validate_framework(data)
    assert errors, f"{name}: no error reported"
    if location is not None:
        assert has_error(errors, location, fragment), [str(e) for e in errors]
    for e in errors:  # every message is Chinese
        assert any("\u4e00" <= ch <= "\u9fff" for ch in e.message), e.message
    with pytest.raises(FrameworkInvalid):
        load_framework(data)


def test_metric_whose_top_tier_is_below_its_max_is_refused():
    data = sample()
    metric = _rules(data)[3]
    metric["thresholds"] = [{"min": 1, "points": 4}, {"min": 2, "points": 8}]
    assert has_error(validate_framework(data), f"{R3}.thresholds", "最高档得分 8 低于满分 10")
    metric["thresholds"] = [{"min": 1, "points": 4}, {"min": 2, "points": 10}]
    assert validate_framework(data) == []


def test_required_or_veto_rule_with_pass_mark_zero_is_refused():
    data = sample()
    rule = _rules(data)[0]
    rule["required"], rule["pass_mark"] = True, 0
    assert has_error(validate_framework(data), "stars[0].standards[0].rules[0].pass_mark", "必达细则的达标分不能为 0")
    rule["required"], rule["veto"] = False, True
    assert has_error(validate_framework(data), "stars[0].standards[0].rules[0].pass_mark", "一票否决细则的达标分不能为 0")
    rule["veto"] = False  # an ordinary rule may have pass mark 0
    assert validate_framework(data) == []



def test_error_code_names_the_item():
    data = sample()
    _rules(data)[1]["max"] = 0
    (error,) = validate_framework(data)
    assert error.code == "zbgy-01-02"
    assert error.location == f"{R1}.max"


def test_all_errors_reported_not_only_the_first():
    data = sample()
    _rules(data)[0]["kind"] = "nope"
    _rules(data)[1]["max"] = 0
    _rules(data)[2]["per_occurrence"] = 0
    del _rules(data)[3]["thresholds"]
    _rules(data)[4]["evidence"]["kinds"] = ["video"]
    data["stars"][0]["pass_ratio"] = 2
    data["stars"][1]["requires"] = ["zbgy"]
    data["branch_type"] = "x"
    errors = validate_framework(data)
    assert len(errors) == 8, [str(e) for e in errors]


def test_three_star_cycle_reported_once():
    data = framework(
        star("a", [rule("a-1")], requires=["c"]),
        star("b", [rule("b-1")], requires=["a"]),
        star("c", [rule("c-1")], requires=["b"]),
    )
    cycles = [e for e in validate_framework(data) if "循环" in e.message]
    assert [e.message for e in cycles] == ["星级依赖存在循环：a → c → b → a"]


def test_pass_ratio_one_and_pass_score_equal_total_are_valid():
    data = sample()
    data["stars"][0]["pass_ratio"] = 1
    data["stars"][1]["pass_score"] = 10
    assert validate_framework(data) == []


def test_community_branch_type_is_valid():
    data = sample()
    data["branch_type"] = "community"
    assert load_framework(data).branch_type == "community"
