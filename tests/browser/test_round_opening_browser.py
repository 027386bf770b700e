"""Before 开启: the county admin sees the round's 指标数据年度 on the form and, on the draft round, which
villages have no income recorded for that year (Debian Chromium)."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from fivestar.indicators.models import CollectiveIncome
from fivestar.rating.models import Round
from fivestar.standards.tests.gap_helpers import publish

pytestmark = pytest.mark.browser


def test_county_admin_creates_a_round_and_is_warned_about_missing_income(live_world, page, sign_in, live_server, shot):
    publish()
    publish("puyang-2023-community")
    CollectiveIncome.objects.create(org_unit=live_world.village, year=2025, operating_income=Decimal(60000))
    sign_in(page, "county")
    page.goto(f"{live_server.url}/rating/new/")
    year = page.get_by_label("指标数据年度")
    expect(year).to_have_value("2025")
    page.get_by_label("名称").fill("2026年度评星")
    page.get_by_label("评星范围").select_option(live_world.county.code)
    shot(page, "round-form")
    page.get_by_role("button", name="创建评星周期").click()
    expect(page.get_by_test_id("indicator-year")).to_have_text("指标数据年度 2025")
    warning = page.get_by_test_id("missing-indicators")
    expect(warning).to_contain_text("2025 年村集体经济收入未登记")
    expect(page.get_by_test_id("missing-count-collective_income")).to_have_text("3")
    expect(page.get_by_test_id("missing-units-collective_income")).to_contain_text("庆南村")
    expect(page.get_by_test_id("missing-units-collective_income")).not_to_contain_text("西辛庄村")
    expect(page.get_by_test_id("round-open")).to_be_visible()
    shot(page, "round-draft-warning")
    assert Round.objects.get(name="2026年度评星").indicator_year == 2025
