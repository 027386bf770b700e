"""The frameworks API: list, detail, evaluate, and the 422 answers naming the offending field."""

import pytest

from fivestar.standards import services
from fivestar.standards.models import FrameworkVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def rural(world):
    services.load_shipped()
    return FrameworkVersion.objects.get(code="puyang-2023-rural")


@pytest.fixture
def api(client, api_token, world):
    token = api_token(world.users["village_cadre"])

    class Api:
        def get(self, url):
            return client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")

        def post(self, url, body):
            return client.post(url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")

    return Api()


def full_marks(version) -> dict:
    results = {}
    for rule in version.compiled().rules:
        results[rule.code] = {"check": True, "points": rule.max, "deduction": 0}.get(rule.kind)
        if rule.kind == "metric":
            results[rule.code] = rule.thresholds[-1].min
    return results


def test_list_frameworks(api, rural):
    data = api.get("/api/v1/frameworks").json()
    assert data["count"] == 2
    item = next(i for i in data["items"] if i["code"] == "puyang-2023-rural")
    assert item == {**item, "id": rural.pk, "branch_type": "rural", "status": "published", "status_name": "已发布",
                    "star_count": 5, "standard_count": 30, "rule_count": 210, "org_unit": None}
    assert api.get("/api/v1/frameworks?branch_type=community").json()["count"] == 1
    assert api.get("/api/v1/frameworks?status=draft").json()["count"] == 0
    bad = api.get("/api/v1/frameworks?status=nope")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "status"


def test_framework_detail(api, rural):
    data = api.get(f"/api/v1/frameworks/{rural.pk}").json()
    assert [s["code"] for s in data["stars"]] == ["zbgy", "cyxw", "stjy", "paf", "wmxf"]
    assert sum(len(s["standards"]) for s in data["stars"]) == 30
    rules = {r["code"]: r for s in data["stars"] for sd in s["standards"] for r in sd["rules"]}
    assert len(rules) == 210
    zbgy = data["stars"][0]
    assert zbgy["requires"] == ["cyxw", "stjy", "paf", "wmxf"] and zbgy["pass_ratio"] == 0.8 and zbgy["max"] == 100
    income = rules["cyxw-01-01"]
    assert income["kind"] == "metric" and income["max"] == 15 and income["indicator"] == "collective_income"
    assert income["thresholds"] == [{"min": 50000, "points": 9}, {"min": 100000, "points": 12}, {"min": 500000, "points": 15}]
    assert income["required"] is True and income["pass_mark"] == 9 and income["veto"] is False
    assert rules["paf-01-01"]["veto"] is True and rules["cyxw-02-06"]["na_allowed"] is True
    assert rules["zbgy-01-07"]["per_occurrence"] == 1
    assert api.get("/api/v1/frameworks/999999").status_code == 404


def test_evaluate_full_marks_earns_five_stars(api, rural):
    response = api.post(f"/api/v1/frameworks/{rural.pk}/evaluate", {"results": full_marks(rural)})
    data = response.json()
    assert response.status_code == 200 and data["rating"] == 5 and data["gaps"] == []
    assert data["awarded"] == ["zbgy", "cyxw", "stjy", "paf", "wmxf"]
    star = data["stars"][0]
    assert (star["code"], star["awarded"], star["score"], star["max"], star["pass_mark"]) == ("zbgy", True, 100, 100, 80)
    assert star["reasons"] == ["得分 100/100，达到通过分 80"]


def test_evaluate_veto_dependencies_indicators_and_gaps(api, rural):
    results = full_marks(rural)
    results.pop("cyxw-01-01")
    body = {"results": results, "veto_events": ["paf-01-01"], "not_applicable": ["cyxw-02-06"],
            "indicators": {"collective_income": 60000}}
    data = api.post(f"/api/v1/frameworks/{rural.pk}/evaluate", body).json()
    stars = {s["code"]: s for s in data["stars"]}
    assert data["rating"] == 3 and data["awarded"] == ["cyxw", "stjy", "wmxf"]
    assert stars["cyxw"]["score"] == 92 and stars["cyxw"]["max"] == 98  # income 60000 → 9 of 15; one rule not applicable
    assert stars["paf"]["awarded"] is False
    assert "一票否决：paf-01-01「" in stars["paf"]["reasons"][1] and stars["paf"]["reasons"][1].endswith("已记录否决事项")
    assert stars["zbgy"]["awarded"] is False and stars["zbgy"]["reasons"][-1] == "依赖未满足：需先获得 平安法治星"
    gaps = {g["star_code"]: g for g in data["gaps"]}
    assert set(gaps) == {"paf", "zbgy"} and gaps["paf"]["reachable"] is False


def test_evaluate_nothing_recorded(api, rural):
    data = api.post(f"/api/v1/frameworks/{rural.pk}/evaluate", {}).json()
    assert data["rating"] == 0 and len(data["gaps"]) == 5
    assert data["stars"][1]["reasons"][0] == "得分 0/100，未达到通过分 80（差 80 分）"


@pytest.mark.parametrize("body,field,message", [
    ({"results": {"nope-01-01": True}}, "results.nope-01-01", "未知的细则编码 nope-01-01"),
    ({"results": {"zbgy-01-01": 1}}, "results.zbgy-01-01", "达标项只能填写“是”或“否”（布尔值），现为 1"),
    ({"results": {"zbgy-01-03": 5}}, "results.zbgy-01-03", "得分 5 超出范围 0–3"),
    ({"results": {"zbgy-01-07": -1}}, "results.zbgy-01-07", "扣分项应填写发生次数（非负整数），现为 -1"),
    ({"results": {"zbgy-01-07": 1.5}}, "results.zbgy-01-07", "扣分项应填写发生次数（非负整数），现为 1.5"),
    ({"results": {"cyxw-01-01": "很多"}}, "results.cyxw-01-01", "指标项应填写数值，现为 '很多'"),
    ({"not_applicable": ["zbgy-01-01"]}, "not_applicable.zbgy-01-01", "细则 zbgy-01-01 不允许标记为“不适用”"),
    ({"veto_events": ["zbgy-01-01"]}, "veto_events.zbgy-01-01", "细则 zbgy-01-01 不是一票否决项，不能记录否决事项"),
    ({"indicators": {"population": 3}}, "indicators.population", "未知的指标 population"),
])
def test_evaluate_invalid_input_is_a_422_naming_the_field(api, rural, body, field, message):
    response = api.post(f"/api/v1/frameworks/{rural.pk}/evaluate", body)
    assert response.status_code == 422
    data = response.json()
    assert data["detail"] == "填报数据校验未通过。"
    assert data["errors"] == [{"field": field, "message": message, "type": "value_error"}]


def test_evaluate_wrong_shape_is_a_422(api, rural):
    response = api.post(f"/api/v1/frameworks/{rural.pk}/evaluate", {"results": [1, 2]})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "results"


def test_api_needs_a_token(client, rural):
    assert client.get("/api/v1/frameworks").status_code == 401
    assert client.post(f"/api/v1/frameworks/{rural.pk}/evaluate", {}, content_type="application/json").status_code == 401
