"""Validation of recorded branch values (pure Python, no Django, no database)."""

import pytest

from fivestar.standards.engine import InputError, load_framework, validate_inputs

from .engine_helpers import rule, single


@pytest.fixture(scope="module")
def fw():
    return load_framework(single(
        rule("c", "check", 4),
        rule("p", "points", 6),
        rule("d", "deduction", 3),
        rule("m", "metric", 10, indicator="collective_income"),
        rule("v", "check", 5, veto=True, na_allowed=True),
    ))


def fields(errors):
    return {e.field: e.message for e in errors}


def test_valid_inputs(fw):
    results = {"c": True, "p": 2.5, "d": 0, "m": 12.5, "v": None}
    assert validate_inputs(fw, results, ["v"], ["v"], {"collective_income": 51000}) == []
    assert validate_inputs(fw, {"p": 0, "m": -3, "d": 7}) == []


@pytest.mark.parametrize(
    "code,value,fragment",
    [
        ("c", 1, "只能填写“是”或“否”"),
        ("c", "是", "只能填写“是”或“否”"),
        ("p", True, "应填写数值"),  # bool is not a number
        ("p", "5", "应填写数值"),
        ("p", float("nan"), "应填写数值"),
        ("p", -1, "得分 -1 超出范围 0–6"),
        ("p", 6.5, "得分 6.5 超出范围 0–6"),
        ("d", 1.5, "非负整数"),
        ("d", -1, "非负整数"),
        ("d", True, "非负整数"),
        ("d", 2.0, "非负整数"),
        ("m", False, "应填写数值"),
        ("m", float("inf"), "应填写数值"),
        ("m", [1], "应填写数值"),
    ],
)
def test_wrong_values(fw, code, value, fragment):
    errors = validate_inputs(fw, {code: value})
    assert len(errors) == 1
    assert errors[0].field == f"results.{code}"
    assert fragment in errors[0].message


def test_unknown_rule_code(fw):
    assert fields(validate_inputs(fw, {"zbgy-01-01": True})) == {
        "results.zbgy-01-01": "未知的细则编码 zbgy-01-01"
    }


def test_not_applicable_errors(fw):
    errors = fields(validate_inputs(fw, {}, not_applicable=["c", "nope", "v"]))
    assert errors == {
        "not_applicable.c": "细则 c 不允许标记为“不适用”",
        "not_applicable.nope": "未知的细则编码 nope",
    }


def test_veto_event_errors(fw):
    errors = fields(validate_inputs(fw, {}, veto_events=["c", "nope", "v"]))
    assert errors == {
        "veto_events.c": "细则 c 不是一票否决项，不能记录否决事项",
        "veto_events.nope": "未知的细则编码 nope",
    }


def test_indicator_errors(fw):
    errors = fields(validate_inputs(fw, {}, indicators={"population": 3, "collective_income": "很多"}))
    assert errors["indicators.population"] == "未知的指标 population"
    assert "必须是数值" in errors["indicators.collective_income"]


def test_container_errors(fw):
    assert fields(validate_inputs(fw, [("c", True)]))["results"].startswith("细则填报结果必须是")
    assert "列表" in fields(validate_inputs(fw, {}, not_applicable="v"))["not_applicable"]
    assert "映射" in fields(validate_inputs(fw, {}, indicators=[1]))["indicators"]


def test_every_problem_is_reported(fw):
    errors = validate_inputs(
        fw, {"c": 1, "p": 7, "x": 1}, ["c"], ["p"], {"population": 1}
    )
    assert len(errors) == 6
    assert all(isinstance(e, InputError) for e in errors)
    assert str(errors[0]).startswith("results.c：")
