"""项目推介 in a real browser: a village secretary publishes a project on a phone, another village of the town
expresses interest, the town records the agreement at a 项目推介会 and enters a year's returns, and both villages'
collective income for that year changes (the project part shown)."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from fivestar.indicators.models import CollectiveIncome
from fivestar.indicators.services import IncomeValues, save_income
from fivestar.meetings.models import Meeting, MeetingKind
from fivestar.projects.models import Project

from .conftest import PHONE

pytestmark = pytest.mark.browser


def test_publish_interest_agreement_returns(live_world, browser, sign_in, live_server, shot):
    from fivestar.core.roles import Role
    from tests.factories import user_with_role

    w = live_world
    user_with_role("qingnan", Role.VILLAGE_CADRE, w.sibling)
    Meeting.objects.create(org_unit=w.town, kind=MeetingKind.PROMOTION, title="2026年项目推介会", date=datetime.date(2026, 3, 10), status="held")
    save_income(None, w.village, IncomeValues(2025, Decimal("100000")), check=False, refresh=False)

    phone = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = sign_in(phone.new_page(), "secretary")
    page.goto(f"{live_server.url}/projects/")
    page.get_by_test_id("publish").click()
    page.get_by_label("项目名称").fill("西辛庄食用菌大棚")
    page.get_by_label("产业（一村一品").fill("食用菌")
    page.get_by_label("所需投资（元）").fill("abc")
    page.get_by_test_id("save").click()
    expect(page.locator("body")).to_contain_text("所需投资应为数字")
    page.get_by_label("所需投资（元）").fill("800000")
    page.get_by_label("预计每年").fill("60000")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("stage")).to_have_text("规划中")
    shot(page, "projects-published-phone")
    phone.close()
    project = Project.objects.get()

    other = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = sign_in(other.new_page(), "qingnan")
    page.goto(f"{live_server.url}/projects/")
    page.get_by_test_id("project-row").filter(has_text="西辛庄食用菌大棚").click()
    page.get_by_test_id("express-interest").click()
    page.get_by_label("拟投资金额（元）").fill("300000")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("interests")).to_contain_text("庆南村")
    other.close()

    town = browser.new_context(locale="zh-CN")
    page = sign_in(town.new_page(), "town")
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.get_by_test_id("record-agreement").click()
    expect(page.get_by_test_id("participants")).to_contain_text("项目支持优先级")
    page.get_by_label("项目推介会").select_option(label="2026-03-10 2026年项目推介会")
    page.get_by_label("西辛庄村股份比例").fill("60")
    page.get_by_label("庆南村股份比例").fill("40")
    page.get_by_label("庆南村出资金额").fill("300000")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("stage")).to_have_text("已签约")
    expect(page.get_by_test_id("agreement")).to_contain_text("2026年项目推介会")
    page.get_by_test_id("record-returns").click()
    page.get_by_label("年度").fill("2025")
    page.get_by_role("button", name="切换").click()
    page.get_by_label("西辛庄村收益").fill("30000")
    page.get_by_label("庆南村收益").fill("20000")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("returns")).to_contain_text("20,000.00")
    page.goto(f"{live_server.url}/projects/{project.pk}/returns/?year=2025")
    expect(page.get_by_test_id(f"income-{w.village.code}")).to_contain_text("130000.00 元（其中项目分红收益 30000.00 元）")
    expect(page.get_by_test_id(f"income-{w.sibling.code}")).to_contain_text("20000.00 元（其中项目分红收益 20000.00 元）")
    shot(page, "projects-returns")
    town.close()
    assert CollectiveIncome.objects.get(org_unit=w.sibling, year=2025).amount == Decimal("20000")
