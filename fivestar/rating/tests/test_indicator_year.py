"""Which year of an indicator a round reads (指标数据年度): explicit on the round, by default the last complete
year, read by opening and by every re-evaluation, shown on the rule, and checked before the round is opened."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from fivestar.core.roles import Role
from fivestar.indicators.models import CollectiveIncome
from fivestar.rating.models import Assessment, Round
from fivestar.rating.models.round import default_indicator_year
from fivestar.rating.selectors_opening import SHOWN, missing_indicators
from fivestar.rating.services import create_round
from fivestar.rating.services.evaluation import evaluate_assessment, indicators_for
from fivestar.orgs.models import Level, OrgUnit

from .conftest import full_marks

pytestmark = pytest.mark.django_db
INCOME_RULE = "cyxw-01-01"
D = datetime.date


def _income(unit, year, amount=60000):
    return CollectiveIncome.objects.create(org_unit=unit, year=year, operating_income=Decimal(amount))


def test_default_is_the_last_year_complete_by_the_period_end_or_today():
    assert default_indicator_year(D(2026, 12, 31)) == 2026  # the period ends with the year: that year is complete
    assert default_indicator_year(D(2026, 3, 31)) == 2025
    assert default_indicator_year(D(2027, 1, 30)) == 2026
    # A round opened on 2026-12-01 whose period ends next January: 2026 is not over yet, nobody has its income.
    assert default_indicator_year(D(2027, 1, 30), today=D(2026, 12, 1)) == 2025
    assert default_indicator_year(D(2026, 12, 31), today=D(2027, 2, 1)) == 2026


def test_a_round_reading_2025_keeps_the_income_rule_passing_when_2026_has_no_data(world, make_round):
    _income(world.village, 2025, 60000)  # and nothing for 2026, a year that has barely been recorded
    rnd = make_round(name="2026年度评星", indicator_year=2025)
    assert rnd.indicator_year == 2025
    a = Assessment.objects.select_related("round", "framework").get(round=rnd, org_unit=world.village)
    # Opening read 2025: the income-bound rule already counts as done.
    assert a.progress_done == 1
    assert indicators_for(a) == {"collective_income": 60000.0}

    values = {c: v for c, v in full_marks(a.framework).items() if not a.framework.compiled().rules_by_code[c].indicator}
    a.answers = values
    evaluation = evaluate_assessment(a)  # every re-evaluation reads the round's indicator year
    cyxw = {s.code: s for s in evaluation.stars}["cyxw"]
    assert cyxw.awarded and INCOME_RULE not in cyxw.failed_required and cyxw.rule_scores[INCOME_RULE] > 0
    assert evaluation.rating == 5

    # The same answers in a round that reads 2026 (no income recorded) lose the required income rule.
    Round.objects.filter(pk=rnd.pk).update(indicator_year=2026)
    a = Assessment.objects.select_related("round", "framework").get(pk=a.pk)
    a.answers = values
    evaluation = evaluate_assessment(a)
    cyxw = {s.code: s for s in evaluation.stars}["cyxw"]
    assert not cyxw.awarded and INCOME_RULE in cyxw.failed_required and evaluation.rating < 5


def test_the_rule_names_the_year_the_round_reads(world, make_round, login):
    _income(world.village, 2025, 123000)
    _income(world.village, 2023, 1)
    a = Assessment.objects.get(round=make_round(indicator_year=2025), org_unit=world.village)
    client = login(world.users[Role.VILLAGE_CADRE])
    assert 'data-testid="loader-cyxw"' in client.get(f"/rating/assessments/{a.pk}/").content.decode()
    star = client.get(f"/rating/assessments/{a.pk}/stars/cyxw/").content.decode()  # the star's rules, as when opened
    rule = star[star.index(f'id="rule-{INCOME_RULE}"'):star.index('id="rule-cyxw-01-02"')]
    assert "2025 年村集体经济收入：<strong>123,000 元</strong>" in rule and "（本轮读取 2025 年度数据）" in rule
    review = login(world.users[Role.TOWN_ADMIN]).get(f"/rating/assessments/{a.pk}/review/stars/cyxw/").content.decode()
    assert f'data-testid="indicator-year-{INCOME_RULE}">（指标数据，本轮读取 2025 年度数据）' in review


def _form(world, frameworks, **changes):
    today = timezone.localdate()
    data = {
        "name": "2026年度评星", "kind": "annual", "year": str(today.year), "scope": world.county.code,
        "period_start": today.isoformat(), "period_end": (today + datetime.timedelta(days=60)).isoformat(),
        "rural_framework": str(frameworks[0].pk), "community_framework": str(frameworks[1].pk),
        "self_deadline": (today + datetime.timedelta(days=10)).isoformat(), "town_deadline": (today + datetime.timedelta(days=20)).isoformat(),
        "county_deadline": (today + datetime.timedelta(days=30)).isoformat(), "notice_days": "5", "previous": "",
    }
    return data | changes


def test_the_form_defaults_to_the_last_complete_year_and_takes_an_explicit_one(world, frameworks, login):
    today = timezone.localdate()
    expected = default_indicator_year(today + datetime.timedelta(days=60), today)
    assert expected == today.year - (0 if (today.month, today.day) == (12, 31) else 1)
    client = login(world.users[Role.COUNTY_ADMIN])
    page = client.get("/rating/new/")
    assert page.context["form"]["indicator_year"].value() == expected
    html = page.content.decode()
    assert "指标数据年度" in html and "默认取最近一个已经过完的完整年度" in html

    client.post("/rating/new/", _form(world, frameworks, indicator_year=""))
    assert Round.objects.get(name="2026年度评星").indicator_year == expected
    client.post("/rating/new/", _form(world, frameworks, name="读2024", indicator_year="2024"))
    assert Round.objects.get(name="读2024").indicator_year == 2024
    response = client.post("/rating/new/", _form(world, frameworks, name="坏", indicator_year="20x5"))
    assert response.status_code == 200 and "indicator_year" in response.context["form"].errors
    assert not Round.objects.filter(name="坏").exists()


def _draft(world, frameworks, year=2025):
    today = timezone.localdate()
    return create_round(
        world.users[Role.COUNTY_ADMIN], scope=world.county, name="2026年第一次动态评星", kind="interim", year=2026,
        indicator_year=year, period_start=today, period_end=today + datetime.timedelta(days=60),
        rural_framework=frameworks[0], community_framework=frameworks[1], self_deadline=today + datetime.timedelta(days=10),
        town_deadline=today + datetime.timedelta(days=20), county_deadline=today + datetime.timedelta(days=30),
    )


def test_before_opening_the_round_page_lists_the_villages_missing_that_years_income(world, frameworks, login):
    _income(world.village, 2025)
    _income(world.sibling, 2024)  # another year does not count
    rnd = _draft(world, frameworks)
    page = login(world.users[Role.COUNTY_ADMIN]).get(f"/rating/rounds/{rnd.pk}/")
    html = page.content.decode()
    assert 'data-testid="indicator-year">指标数据年度 2025' in html
    assert 'data-testid="missing-indicators"' in html and 'data-testid="round-open"' in html
    block = html[html.index('data-testid="missing-collective_income"'):]
    # The county's other villages (庆南村, 龙鑫苑社区, 八公桥村) have no 2025 income; 西辛庄村 has.
    assert 'data-testid="missing-count-collective_income">3<' in block
    assert "2025 年村集体经济收入未登记" in block and "cyxw-01-01（必达）" in block
    units = block[block.index('data-testid="missing-units-collective_income"'):block.index("</ul>")]
    assert "庆南村" in units and "八公桥村" in units and "龙鑫苑社区" in units and "西辛庄村" not in units
    assert "/indicators/?year=2025&amp;unit=410928&amp;band=missing" in block

    # Read-only roles do not get the check; an opened round no longer shows it.
    assert 'data-testid="missing-indicators"' not in login(world.users[Role.OBSERVER]).get(f"/rating/rounds/{rnd.pk}/").content.decode()
    Round.objects.filter(pk=rnd.pk).update(phase=Round.Phase.OPEN)
    assert 'data-testid="missing-indicators"' not in login(world.users[Role.COUNTY_ADMIN]).get(f"/rating/rounds/{rnd.pk}/").content.decode()


def test_at_scale_the_warning_is_truncated_with_a_count_in_a_bounded_number_of_queries(world, frameworks, django_assert_max_num_queries):
    for i in range(SHOWN + 25):
        OrgUnit.objects.create(code=f"410928103{300 + i}", name=f"测试{i}村委会", level=Level.VILLAGE, parent=world.town)
    rnd = Round.objects.select_related("scope", "rural_framework", "community_framework").get(pk=_draft(world, frameworks).pk)
    with django_assert_max_num_queries(3):
        rows = missing_indicators(rnd)
    (row,) = rows
    assert row["count"] == SHOWN + 25 + 4 and len(row["units"]) == SHOWN and row["more"] == 29
    _income(world.village, 2025)
    assert missing_indicators(rnd)[0]["count"] == SHOWN + 28
