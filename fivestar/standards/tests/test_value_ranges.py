"""Implausible numbers (a rate of 150%, an income of 10^30, a negative or astronomical count) are refused
on the pages' value parser and by the API's evaluate, naming the rule, in Chinese."""

import pytest

from fivestar.core.roles import Role
from fivestar.standards import services
from fivestar.standards.models import FrameworkVersion
from fivestar.standards.values import parse_rule_value

pytestmark = pytest.mark.django_db


@pytest.fixture
def rural(world):
    services.load_shipped()
    return FrameworkVersion.objects.get(code="puyang-2023-rural")


def _rules(fw):
    rules = list(fw.compiled().rules_by_code.values())
    percent = next(r for r in rules if r.kind == "metric" and r.unit == "%" and "增长" not in r.text)
    growth = next(r for r in rules if r.kind == "metric" and r.unit == "%" and "增长" in r.text)
    income = next(r for r in rules if r.kind == "metric" and r.indicator)
    deduction = next(r for r in rules if r.kind == "deduction")
    return percent, growth, income, deduction


def test_page_parser_refuses_implausible_numbers(rural):
    percent, growth, income, deduction = _rules(rural)
    for rule, text in [(percent, "150"), (percent, "-1"), (growth, "5000"), (income, "1" + "0" * 30), (deduction, "1" + "0" * 30)]:
        with pytest.raises(ValueError, match="超出合理范围"):
            parse_rule_value(rule, text)
    assert parse_rule_value(percent, "95") == 95 and parse_rule_value(growth, "-3.5") == -3.5
    assert parse_rule_value(income, "680000") == 680000 and parse_rule_value(deduction, "2") == 2


def test_api_evaluate_refuses_implausible_numbers(rural, client, api_token, world):
    percent, growth, income, deduction = _rules(rural)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token(world.users[Role.SYSADMIN])}"}
    body = {"results": {percent.code: 150, growth.code: 5000, deduction.code: -1}, "indicators": {income.indicator: 1e30}}
    response = client.post(f"/api/v1/frameworks/{rural.pk}/evaluate", body, content_type="application/json", **headers)
    assert response.status_code == 422
    fields = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert "超出合理范围" in fields[f"results.{percent.code}"] and "超出合理范围" in fields[f"results.{growth.code}"]
    assert f"results.{deduction.code}" in fields and "超出合理范围" in fields[f"indicators.{income.indicator}"]
    ok = client.post(f"/api/v1/frameworks/{rural.pk}/evaluate", {"results": {percent.code: 95}}, content_type="application/json", **headers)
    assert ok.status_code == 200
