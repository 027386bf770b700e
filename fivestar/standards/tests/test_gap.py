"""The village 差距 page: saving answers, the stars and reasons, the gap list, the income indicator read
automatically, per-field errors, roles and scope, and a constant number of queries."""

import copy
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fivestar.core.roles import Role
from fivestar.indicators.models import CollectiveIncome
from fivestar.indicators.services import IncomeValues, save_income
from fivestar.standards.models import BranchResult, FrameworkVersion

from .gap_helpers import all_passing, publish, shipped_data

pytestmark = pytest.mark.django_db
INCOME_RULE = "cyxw-01-01"


@pytest.fixture
def rural(db):
    return publish()


def _income(unit, amount, year=2023):
    return CollectiveIncome.objects.create(org_unit=unit, year=year, operating_income=Decimal(amount))


def _url(unit, suffix=""):
    return f"/gap/{unit.code}/{suffix}"


def _stars(response):
    return {s.code: s for s in response.context["evaluation"].stars}


def test_secretary_saves_everything_and_earns_five_stars(world, login, rural):
    _income(world.village, 60000)
    client = login(world.users[Role.VILLAGE_CADRE])
    response = client.post(_url(world.village), all_passing(rural.compiled()))
    assert response.status_code == 302
    row = BranchResult.objects.get(org_unit=world.village, framework=rural)
    assert row.rating == 5 and row.awarded == ["zbgy", "cyxw", "stjy", "paf", "wmxf"]
    assert row.updated_by == world.users[Role.VILLAGE_CADRE]
    assert row.history.first().history_user == world.users[Role.VILLAGE_CADRE]
    assert INCOME_RULE not in row.results  # read from the indicator, never stored
    assert row.results["zbgy-01-01"] is True and row.results["zbgy-01-07"] == 0

    page = client.get(_url(world.village))
    html = page.content.decode()
    assert page.context["evaluation"].rating == 5
    assert html.count('data-testid="star-status">已获得') == 5
    assert 'data-testid="no-gaps"' in html
    assert "已保存。按当前结果可获得 5 颗星" in html
    assert "60,000 元" in html  # the recorded income, read-only, on the income rule


def test_income_of_40000_denies_the_industry_star_naming_the_rule(world, login, rural):
    _income(world.village, 40000)
    client = login(world.users[Role.VILLAGE_CADRE])
    client.post(_url(world.village), all_passing(rural.compiled()))
    row = BranchResult.objects.get(org_unit=world.village)
    assert row.rating == 3 and row.awarded == ["stjy", "paf", "wmxf"]

    page = client.get(_url(world.village))
    stars = _stars(page)
    cyxw = stars["cyxw"]
    assert not cyxw.awarded and cyxw.rule_scores[INCOME_RULE] == 0
    assert INCOME_RULE in cyxw.failed_required
    assert any(INCOME_RULE in reason and "未达标" in reason for reason in cyxw.reasons)
    assert not stars["zbgy"].awarded and stars["zbgy"].missing_requires == ["cyxw"]
    html = page.content.decode()
    assert "必达细则 cyxw-01-01「村集体经济年收入达到5万元以上" in html
    assert "40,000 元" in html

    report = page.context["report"]
    assert [g.star_code for g in report] == ["cyxw", "zbgy"]
    assert page.context["closest"].star_code == "cyxw"
    gap = report[0]
    assert [b.rule_code for b in gap.blockers] == [INCOME_RULE]
    assert [i.rule_code for i in gap.improvements] == [INCOME_RULE]
    assert gap.improvements[0].action == "村集体经济收入达到 50000 元" and gap.improvements[0].gain == 9
    assert 'data-testid="closest-star">最接近' in html and "村集体经济收入达到 50000 元" in html


def test_income_of_60000_passes_the_rule_and_income_changes_refresh_the_saved_rating(world, login, rural):
    income = _income(world.village, 40000)
    client = login(world.users[Role.VILLAGE_CADRE])
    client.post(_url(world.village), all_passing(rural.compiled()))
    assert BranchResult.objects.get().rating == 3

    save_income(world.users[Role.VILLAGE_CADRE], world.village, IncomeValues(2023, Decimal(60000)), income)
    row = BranchResult.objects.get()
    assert row.rating == 5 and "cyxw" in row.awarded
    stars = _stars(client.get(_url(world.village)))
    assert stars["cyxw"].awarded and stars["cyxw"].rule_scores[INCOME_RULE] == 9
    assert stars["cyxw"].score == 94  # 100 - 15 + 9

    save_income(world.users[Role.VILLAGE_CADRE], world.village, IncomeValues(2022, Decimal(1)))  # other year: no effect
    assert BranchResult.objects.get().rating == 5


def test_without_recorded_income_the_rule_says_so_and_links_to_the_income_page(world, login, rural):
    page = login(world.users[Role.VILLAGE_CADRE]).get(_url(world.village))
    html = page.content.decode()
    assert page.status_code == 200
    assert f'data-testid="indicator-{INCOME_RULE}">2023 年村集体经济收入：<span class="text-danger">未填报' in html
    assert f'href="/indicators/{world.village.code}/"' in html
    assert f'name="r-{INCOME_RULE}"' not in html  # no input for an indicator-bound rule
    assert page.context["evaluation"].rating == 0


def test_not_applicable_needs_a_reason_and_veto_events_deny_the_star(world, login, rural):
    _income(world.village, 600000)
    client = login(world.users[Role.VILLAGE_CADRE])
    post = all_passing(rural.compiled()) | {"na-cyxw-02-06": "1", "nar-cyxw-02-06": "村内无旅游资源", "veto-paf-01-01": "1"}
    assert client.post(_url(world.village), post).status_code == 302
    row = BranchResult.objects.get()
    assert row.not_applicable == ["cyxw-02-06"] and row.na_reasons == {"cyxw-02-06": "村内无旅游资源"}
    assert row.veto_events == ["paf-01-01"]
    assert row.awarded == ["cyxw", "stjy", "wmxf"]
    page = client.get(_url(world.village))
    paf = _stars(page)["paf"]
    assert any("一票否决：paf-01-01" in r and "已记录否决事项" in r for r in paf.reasons)
    assert _stars(page)["cyxw"].max == 98
    gap = {g.star_code: g for g in page.context["report"]}["paf"]
    assert not gap.reachable and gap.blockers[0].kind == "veto_event"
    html = page.content.decode()
    assert 'value="村内无旅游资源"' in html and 'id="veto-paf-01-01" value="1" checked' in html


@pytest.mark.parametrize(
    "field,value,code,message",
    [
        ("r-zbgy-01-03", "5", "zbgy-01-03", "得分 5 超出范围，应在 0–3 分之间"),
        ("r-zbgy-01-03", "abc", "zbgy-01-03", "「abc」不是有效的数字"),
        ("r-zbgy-01-07", "1.5", "zbgy-01-07", "发生次数应为非负整数"),
        ("r-zbgy-01-07", "-1", "zbgy-01-07", "发生次数应为非负整数，现为 -1"),
        ("r-zbgy-01-01", "2", "zbgy-01-01", "请选择“达标”或“不达标”"),
        ("na-cyxw-02-06", "1", "cyxw-02-06", "标记“不适用”须填写理由"),
        ("na-zbgy-01-01", "1", "zbgy-01-01", "不允许标记为“不适用”"),
        ("veto-zbgy-01-01", "1", "zbgy-01-01", "不是一票否决项"),
    ],
)
def test_each_bad_value_shows_a_chinese_error_on_its_field_and_nothing_is_saved(world, login, rural, field, value, code, message):
    client = login(world.users[Role.VILLAGE_CADRE])
    post = all_passing(rural.compiled()) | {field: value}
    response = client.post(_url(world.village), post)
    assert response.status_code == 200
    answers = response.context["answers"]
    assert any(message in m for m in sum(answers.errors.values(), [])), answers.errors
    html = response.content.decode()
    assert f'data-testid="error-{code}">' in html and message in html
    assert "处填写有误，未保存" in html
    assert not BranchResult.objects.exists()
    # The section holding the error is open, and what was typed is kept.
    assert f'data-testid="section-{code.split("-")[0]}" open' in html
    if field.startswith("r-") and code != "zbgy-01-01":
        assert f'value="{value}"' in html


def test_preview_evaluates_without_saving(world, login, rural):
    _income(world.village, 60000)
    client = login(world.users[Role.VILLAGE_CADRE])
    post = all_passing(rural.compiled())
    response = client.post(_url(world.village, "preview/"), post)
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="preview-rating">5<' in html
    assert 'data-testid="preview-cyxw" data-awarded="1"' in html
    response = client.post(_url(world.village, "preview/"), post | {"r-zbgy-01-03": "99"})
    assert 'data-testid="preview-errors">1 处填写有误' in response.content.decode()
    assert 'data-testid="preview-rating">5<' in response.content.decode()  # 3 points short: still 97 ≥ 80
    assert not BranchResult.objects.exists()
    assert client.get(_url(world.village, "preview/")).status_code == 405


def test_read_only_roles_can_look_but_not_save(world, login, rural):
    post = all_passing(rural.compiled())
    for role in (Role.SUPERVISOR, Role.AREA_LEADER, Role.OBSERVER):
        client = login(world.users[role])
        page = client.get(_url(world.village))
        html = page.content.decode()
        assert page.status_code == 200 and 'data-testid="read-only"' in html
        assert 'data-testid="save-results"' not in html and "<fieldset disabled>" in html
        assert client.post(_url(world.village), post).status_code == 403
    assert not BranchResult.objects.exists()
    for role in (Role.TOWN_ADMIN, Role.COUNTY_ADMIN, Role.VILLAGE_LIAISON, Role.SYSADMIN):
        assert login(world.users[role]).post(_url(world.village), post).status_code == 302, role


def test_out_of_scope_and_non_villages_are_404(world, login, rural):
    client = login(world.users[Role.VILLAGE_CADRE])
    post = all_passing(rural.compiled())
    for unit in (world.sibling, world.far_village):
        assert client.get(_url(unit)).status_code == 404
        assert client.post(_url(unit), post).status_code == 404
        assert client.post(_url(unit, "preview/"), post).status_code == 404
    town = login(world.users[Role.TOWN_ADMIN])
    assert town.get(_url(world.town)).status_code == 404
    assert town.get("/gap/999999999999/").status_code == 404
    assert not BranchResult.objects.exists()


def test_the_latest_published_framework_for_the_branch_type_applies(world, login, rural):
    client = login(world.users[Role.TOWN_ADMIN])
    assert client.get(_url(world.village)).context["fv"] == rural
    data = shipped_data()
    newer = publish(data=data | {"code": "puyang-2024-rural", "version": "2024"}, published_at=timezone.now())
    publish(data=data | {"code": "draft-rural"}, status=FrameworkVersion.Status.DRAFT, published_at=timezone.now())
    publish(data=data | {"code": "qingfeng-rural"}, org_unit=world.other_county, published_at=timezone.now())
    page = client.get(_url(world.village))
    assert page.context["fv"] == newer and page.context["income_year"] == 2024
    assert 'data-testid="no-framework"' in client.get(_url(world.community)).content.decode()
    community = publish("puyang-2023-community")
    assert client.get(_url(world.community)).context["fv"] == community


def test_village_page_links_to_gap_and_income(world, login):
    html = login(world.users[Role.VILLAGE_CADRE]).get(f"/orgs/{world.village.code}/").content.decode()
    assert f'href="/gap/{world.village.code}/"' in html and f'href="/indicators/{world.village.code}/"' in html


def _tiny(data: dict) -> dict:
    """The same framework cut down to one rule per star."""
    data = copy.deepcopy(data) | {"code": "tiny-rural"}
    for star in data["stars"]:
        star["standards"] = star["standards"][:1]
        star["standards"][0]["rules"] = star["standards"][0]["rules"][:1]
    return data


def _count(client, method, url, data=None):
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
    assert response.status_code in (200, 302)
    return len(ctx.captured_queries)


def test_query_count_does_not_depend_on_the_number_of_rules_or_answers(world, login, rural):
    _income(world.village, 60000)
    client = login(world.users[Role.VILLAGE_CADRE])
    url = _url(world.village)
    full = rural.compiled()
    empty = _count(client, "get", url)
    save = _count(client, "post", url, all_passing(full) | {"na-cyxw-02-06": "1", "nar-cyxw-02-06": "无", "veto-paf-01-01": "1"})
    answered = _count(client, "get", url)
    preview = _count(client, "post", _url(world.village, "preview/"), all_passing(full))
    publish(data=_tiny(shipped_data()), published_at=timezone.now())
    small = _count(client, "get", url)
    small_save = _count(client, "post", url, {"r-zbgy-01-01": "1"})
    small_preview = _count(client, "post", _url(world.village, "preview/"), {"r-zbgy-01-01": "1"})
    assert empty == answered == small, (empty, answered, small)
    assert preview == small_preview and save == small_save, (save, small_save)


def test_importing_income_refreshes_the_saved_rating(world, login, rural):
    import io

    from openpyxl import Workbook

    from fivestar.indicators.import_services import import_workbook

    client = login(world.users[Role.VILLAGE_CADRE])
    client.post(_url(world.village), all_passing(rural.compiled()))
    assert BranchResult.objects.get().rating == 3  # no income recorded yet
    wb = Workbook()
    wb.active.append(["村（社区）代码", "年度", "经营性收入（元）"])
    wb.active.append([world.village.code, 2023, 120000])
    out = io.BytesIO()
    wb.save(out)
    outcome = import_workbook(world.users[Role.TOWN_ADMIN], io.BytesIO(out.getvalue()))
    assert outcome.ok
    row = BranchResult.objects.get()
    assert row.rating == 5 and row.history.first().history_user == world.users[Role.TOWN_ADMIN]
    assert _stars(client.get(_url(world.village)))["cyxw"].rule_scores[INCOME_RULE] == 12
