"""The village 差距 page reads the branch's CURRENT assessment (the latest round's) through the evaluation the
assessment page uses — review levels' values, 不适用, veto events, the round's 指标数据年度 — so it agrees
with the assessment, the village page and the notice; 模拟测算 starts from those answers, is labelled
everywhere, and never writes anything. Roles, scope, and a constant number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fivestar.core.roles import Role
from fivestar.indicators.models import CollectiveIncome
from fivestar.rating.models import Assessment, Round, Status
from fivestar.rating.services import create_round, populate_round
from fivestar.rating.services.evaluation import evaluate_assessment
from fivestar.standards.models import BranchResult

from .gap_helpers import publish

pytestmark = pytest.mark.django_db
INCOME_RULE = "cyxw-01-01"
SIM = "模拟测算（不影响申报）"


@pytest.fixture
def rural(db):
    return publish()


def _income(unit, amount, year=2025):
    return CollectiveIncome.objects.create(org_unit=unit, year=year, operating_income=Decimal(amount))


def _round(world, fv, *, name="2026年度评星", indicator_year=2025, start_days=-30):
    today = timezone.localdate()
    d = datetime.timedelta
    rnd = create_round(
        world.users[Role.COUNTY_ADMIN], scope=world.county, name=name, kind="annual", year=2026, indicator_year=indicator_year,
        period_start=today + d(days=start_days), period_end=today + d(days=30), rural_framework=fv,
        self_deadline=today + d(days=5), town_deadline=today + d(days=10), county_deadline=today + d(days=15),
    )
    Round.objects.filter(pk=rnd.pk).update(phase=Round.Phase.OPENING)
    populate_round(rnd.pk)
    return Round.objects.get(pk=rnd.pk)


def _best(framework, skip=()):
    """Values earning every rule's best points (indicator-bound rules are read, not typed)."""
    return {r.code: r.value_for_points(r.best_points) for r in framework.rules if not r.indicator and r.code not in skip}


def _approved_five_stars(world, fv, **round_kw):
    """西辛庄村's assessment, answered in full and approved by the county: 五星 (what every other page says)."""
    rnd = _round(world, fv, **round_kw)
    a = Assessment.objects.select_related("round", "framework", "org_unit").get(round=rnd, org_unit=world.village)
    a.answers = _best(fv.compiled())
    evaluate_assessment(a)
    a.status = Status.COUNTY_APPROVED
    a.save()
    assert a.rating == 5
    return a


def _url(unit, suffix=""):
    return f"/gap/{unit.code}/{suffix}"


def test_the_gap_of_a_county_approved_five_star_assessment_is_five_stars_and_no_gaps(world, login, rural):
    _income(world.village, 60000)
    a = _approved_five_stars(world, rural)
    for role in (Role.VILLAGE_CADRE, Role.TOWN_ADMIN):
        page = login(world.users[role]).get(_url(world.village))
        html = page.content.decode()
        assert page.status_code == 200, role
        assert page.context["assessment"] == a and page.context["evaluation"].rating == 5
        assert 'data-testid="rating">5<' in html and 'data-testid="rating-label">五星<' in html
        assert html.count('data-testid="star-status">已获得') == 5
        assert list(page.context["report"]) == [] and 'data-testid="no-gaps"' in html
        assert "尚未保存过结果" not in html and 'data-testid="rating-differs"' not in html
        assert "2026年度评星" in html and 'data-testid="assessment-status">县级审核通过<' in html
        assert f'href="/rating/assessments/{a.pk}/"' in html
    assert not BranchResult.objects.exists()


def test_the_latest_round_counts_and_review_levels_values_win(world, login, rural):
    _income(world.village, 60000)
    older = _approved_five_stars(world, rural, name="2025年度评星", start_days=-400)
    Round.objects.filter(pk=older.round_id).update(period_start=timezone.localdate() - datetime.timedelta(days=400))
    newer = _round(world, rural, name="2026年第一次动态评星", start_days=-5)
    a = Assessment.objects.select_related("round").get(round=newer, org_unit=world.village)
    # Carried forward from the approved round; the town then marks one required rule 不达标.
    assert a.to_confirm and a.answers["zbgy-01-01"] is True
    a.reviews = {"town": {"zbgy-01-01": False}}
    evaluate_assessment(a)
    a.save()
    page = login(world.users[Role.TOWN_ADMIN]).get(_url(world.village))
    assert page.context["assessment"] == a
    stars = {s.code: s for s in page.context["evaluation"].stars}
    assert not stars["zbgy"].awarded and "zbgy-01-01" in stars["zbgy"].failed_required
    assert [g.star_code for g in page.context["report"]] == ["zbgy"]
    assert page.context["evaluation"].rating == a.rating == 4
    assert 'data-testid="rating-label">四星<' in page.content.decode()


def test_income_of_the_rounds_indicator_year_is_read_and_the_gap_names_the_rule(world, login, rural):
    _income(world.village, 40000)  # 2025, the year the round reads
    _income(world.village, 900000, year=2026)  # not read
    rnd = _round(world, rural)
    a = Assessment.objects.select_related("round").get(round=rnd, org_unit=world.village)
    a.answers = _best(rural.compiled())
    evaluate_assessment(a)
    a.save()
    page = login(world.users[Role.VILLAGE_CADRE]).get(_url(world.village))
    stars = {s.code: s for s in page.context["evaluation"].stars}
    assert not stars["cyxw"].awarded and INCOME_RULE in stars["cyxw"].failed_required
    assert page.context["income_year"] == 2025
    html = page.content.decode()
    assert "必达细则 cyxw-01-01「村集体经济年收入达到5万元以上" in html
    assert "村集体经济收入达到 50000 元" in html and 'data-testid="closest-star">最接近' in html
    assert f'href="/rating/assessments/{a.pk}/#rule-{INCOME_RULE}"' in html
    assert "读取 2025 年度指标数据" in html


def test_simulation_starts_from_the_real_answers_is_labelled_and_never_writes(world, login, rural):
    _income(world.village, 60000)
    a = _approved_five_stars(world, rural)
    before = Assessment.objects.values().get(pk=a.pk)
    client = login(world.users[Role.VILLAGE_CADRE])
    gap_html = client.get(_url(world.village)).content.decode()
    assert f'href="/gap/{world.village.code}/simulate/"' in gap_html and SIM in gap_html

    page = client.get(_url(world.village, "simulate/"))
    html = page.content.decode()
    assert f"<title>西辛庄村 · {SIM}" in html
    assert f'data-testid="gap-title">西辛庄村 · {SIM}<' in html
    assert 'data-testid="simulation-banner"' in html and "不会保存，也不会改动申报" in html
    assert 'id="r-zbgy-01-01-1" value="1" checked' in html  # the real answer is the starting point
    assert 'data-testid="preview-label">模拟测算<' in html and 'data-testid="preview-rating">5<' in html
    assert "保存" not in html.replace("不会保存", "")

    changed = {f"r-{c}": ("1" if v is True else "0" if v is False else str(v)) for c, v in a.answers.items()} | {"r-zbgy-01-01": "0"}
    response = client.post(_url(world.village, "simulate/"), changed)
    assert response.status_code == 200 and response.context["preview"].rating == 4
    assert 'data-testid="preview-rating">4<' in response.content.decode()
    preview = client.post(_url(world.village, "preview/"), changed).content.decode()
    assert 'data-testid="preview-label">模拟测算<' in preview and 'data-testid="preview-rating">4<' in preview
    # Nothing was written: the assessment is as it was, and no separate results exist.
    assert Assessment.objects.values().get(pk=a.pk) == before
    assert not BranchResult.objects.exists()
    assert client.get(_url(world.village)).context["evaluation"].rating == 5
    assert client.get(_url(world.village, "preview/")).status_code == 405


def test_without_an_assessment_the_page_says_so_and_reads_the_last_complete_year(world, login, rural):
    page = login(world.users[Role.VILLAGE_CADRE]).get(_url(world.village))
    html = page.content.decode()
    year = timezone.localdate().year - (0 if timezone.localdate().strftime("%m%d") == "1231" else 1)
    assert page.status_code == 200 and 'data-testid="no-assessment"' in html
    assert page.context["evaluation"].rating == 0 and page.context["income_year"] == year
    assert f'data-testid="indicator-{INCOME_RULE}"' not in html  # rules are edited on the simulation page only
    sim = login(world.users[Role.VILLAGE_CADRE]).get(_url(world.village, "simulate/")).content.decode()
    assert f'data-testid="indicator-{INCOME_RULE}">{year} 年村集体经济收入：<span class="text-danger">未登记' in sim
    assert f'name="r-{INCOME_RULE}"' not in sim  # no input for an indicator-bound rule


def test_read_only_roles_see_the_same_gap_and_the_page_takes_no_posts(world, login, rural):
    _income(world.village, 60000)
    _approved_five_stars(world, rural)
    for role in (Role.SUPERVISOR, Role.AREA_LEADER, Role.OBSERVER, Role.COUNTY_ADMIN):
        client = login(world.users[role])
        assert client.get(_url(world.village)).context["evaluation"].rating == 5, role
        assert client.post(_url(world.village), {"r-zbgy-01-01": "0"}).status_code == 405


def test_out_of_scope_and_non_villages_are_404(world, login, rural):
    client = login(world.users[Role.VILLAGE_CADRE])
    for unit in (world.sibling, world.far_village):
        assert client.get(_url(unit)).status_code == 404
        assert client.get(_url(unit, "simulate/")).status_code == 404
        assert client.post(_url(unit, "preview/"), {}).status_code == 404
    town = login(world.users[Role.TOWN_ADMIN])
    assert town.get(_url(world.town)).status_code == 404
    assert town.get("/gap/999999999999/").status_code == 404


def test_no_framework_and_no_round(world, login):
    html = login(world.users[Role.TOWN_ADMIN]).get(_url(world.village)).content.decode()
    assert 'data-testid="no-framework"' in html


def test_village_page_links_to_gap_and_income(world, login):
    html = login(world.users[Role.VILLAGE_CADRE]).get(f"/orgs/{world.village.code}/").content.decode()
    assert f'href="/gap/{world.village.code}/"' in html and f'href="/indicators/{world.village.code}/"' in html


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_depend_on_the_number_of_answers(world, login, rural):
    _income(world.village, 60000)
    rnd = _round(world, rural)
    client = login(world.users[Role.TOWN_ADMIN])
    empty = (_count(client, _url(world.village)), _count(client, _url(world.village, "simulate/")))
    a = Assessment.objects.select_related("round").get(round=rnd, org_unit=world.village)
    a.answers = _best(rural.compiled())
    a.not_applicable = {"cyxw-02-06": "无旅游资源"}
    a.reviews = {"town": {"zbgy-01-01": False}}
    evaluate_assessment(a)
    a.save()
    full = (_count(client, _url(world.village)), _count(client, _url(world.village, "simulate/")))
    assert empty == full, (empty, full)


def _api(client, token, method, url, body=None):
    if method == "get":
        return client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
    return client.post(url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_api_gap_is_the_current_assessments_and_simulation_never_writes(world, client, api_token, rural):
    _income(world.village, 60000)
    a = _approved_five_stars(world, rural)
    before = Assessment.objects.values().get(pk=a.pk)
    token = api_token(world.users[Role.TOWN_ADMIN])
    url = f"/api/v1/villages/{world.village.code}/gap"
    body = _api(client, token, "get", url).json()
    assert body["rating"] == 5 and body["rating_label"] == "五星" and body["gaps"] == [] and body["simulation"] is False
    assert body["assessment"]["id"] == a.pk and body["assessment"]["status_name"] == "县级审核通过"
    assert body["indicator_year"] == 2025 and body["indicators"] == {"collective_income": 60000.0}

    answers = {c: v for c, v in a.answers.items()} | {"zbgy-01-01": False, INCOME_RULE: 1}
    sim = _api(client, token, "post", url + "/simulate", {"results": answers})
    assert sim.status_code == 200, sim.content
    sim = sim.json()
    assert sim["simulation"] is True and sim["rating"] == 4 and [g["star_code"] for g in sim["gaps"]] == ["zbgy"]
    bad = _api(client, token, "post", url + "/simulate", {"results": {"zbgy-01-03": 99}})
    assert bad.status_code == 422 and "zbgy-01-03" in bad.json()["errors"][0]["field"]
    assert Assessment.objects.values().get(pk=a.pk) == before and not BranchResult.objects.exists()

    far = api_token(world.users[Role.VILLAGE_CADRE])
    assert _api(client, far, "get", f"/api/v1/villages/{world.far_village.code}/gap").status_code == 404
    assert _api(client, token, "get", f"/api/v1/villages/{world.town.code}/gap").status_code == 404
