"""The 差距 page on a phone, in Debian Chromium: the village secretary reads the gap of the village's current
assessment (the same stars the assessment page shows), then tries a change in 模拟测算（不影响申报）, watches
the live figure change, and the assessment stays as it was."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fivestar.core.roles import Role
from fivestar.indicators.models import CollectiveIncome
from fivestar.rating.models import Assessment, Round
from fivestar.rating.services import create_round, populate_round
from fivestar.rating.services.evaluation import evaluate_assessment
from fivestar.standards.tests.gap_helpers import publish

from .conftest import PHONE

pytestmark = pytest.mark.browser
MISSING = ["stjy-01-01", "stjy-01-02", "stjy-01-03", "stjy-01-04", "stjy-01-05", "stjy-01-06", "stjy-02-02"]
SIM = "模拟测算（不影响申报）"


def _assessment(world):
    """Everything answered except a few 生态宜居星 rules; 2025 income of 40,000 keeps 产业兴旺星 out of reach."""
    fv = publish()
    CollectiveIncome.objects.create(org_unit=world.village, year=2025, operating_income=Decimal(40000))
    today = timezone.localdate()
    d = datetime.timedelta
    rnd = create_round(
        world.users[Role.COUNTY_ADMIN], scope=world.county, name="2026年度评星", kind="annual", year=2026, indicator_year=2025,
        period_start=today - d(days=10), period_end=today + d(days=30), rural_framework=fv,
        self_deadline=today + d(days=5), town_deadline=today + d(days=10), county_deadline=today + d(days=15),
    )
    Round.objects.filter(pk=rnd.pk).update(phase=Round.Phase.OPENING)
    populate_round(rnd.pk)
    a = Assessment.objects.select_related("round").get(round=rnd, org_unit=world.village)
    a.answers = {r.code: r.value_for_points(r.best_points) for r in fv.compiled().rules if not r.indicator and r.code not in MISSING}
    evaluate_assessment(a)
    a.save()
    return a


def test_secretary_reads_the_real_gap_then_simulates_without_touching_the_assessment(live_world, browser, sign_in, live_server, shot):
    a = _assessment(live_world)
    assert a.rating == 2
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    sign_in(page, "secretary")
    page.goto(f"{live_server.url}/orgs/{live_world.village.code}/")
    page.get_by_role("link", name="差距分析").click()
    expect(page.get_by_test_id("gap-title")).to_have_text("西辛庄村 · 差距分析")
    expect(page.get_by_test_id("gap-basis")).to_contain_text("2026年度评星")
    expect(page.get_by_test_id("gap-basis")).to_contain_text("读取 2025 年度指标数据")
    expect(page.get_by_test_id("rating")).to_have_text("2")
    expect(page.get_by_test_id("rating-label")).to_have_text("二星")
    expect(page.get_by_test_id("star-stjy").get_by_test_id("star-status")).to_have_text("未获得")
    expect(page.get_by_test_id("star-paf").get_by_test_id("star-status")).to_have_text("已获得")
    expect(page.get_by_test_id("star-cyxw").get_by_test_id("star-reasons")).to_contain_text("必达细则 cyxw-01-01")
    gaps = page.get_by_test_id("gap-list")
    expect(gaps).to_contain_text("村集体经济收入达到 50000 元")
    expect(gaps.get_by_test_id("gap-zbgy")).to_contain_text("需先获得 产业兴旺星")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    shot(page, "gap-phone-current")

    # 模拟测算: starts from the real answers, labelled; marking one missing rule 达标 changes the live figure only.
    page.get_by_test_id("simulate-link").click()
    expect(page.get_by_test_id("gap-title")).to_have_text(f"西辛庄村 · {SIM}")
    assert SIM in page.title()
    expect(page.get_by_test_id("simulation-banner")).to_contain_text("不会保存，也不会改动申报")
    expect(page.get_by_test_id("preview-label")).to_have_text("模拟测算")
    expect(page.get_by_test_id("preview-rating")).to_have_text("2")
    page.get_by_test_id("section-stjy").locator("summary").click()
    page.get_by_test_id("rule-stjy-01-01").get_by_text("达标", exact=True).click()
    expect(page.get_by_test_id("preview-stjy")).to_have_attribute("data-awarded", "1")
    expect(page.get_by_test_id("preview-rating")).to_have_text("3")
    page.get_by_test_id("rule-stjy-01-02").get_by_role("textbox").fill("9")
    expect(page.get_by_test_id("preview-errors")).to_have_text("1 处填写有误")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    shot(page, "gap-phone-simulation")

    fresh = Assessment.objects.get(pk=a.pk)
    assert fresh.rating == 2 and fresh.version == a.version and "stjy-01-01" not in fresh.answers
    page.goto(f"{live_server.url}/gap/{live_world.village.code}/")
    expect(page.get_by_test_id("rating")).to_have_text("2")
    context.close()
