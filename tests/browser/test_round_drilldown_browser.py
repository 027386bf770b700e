"""A province's round page on a desktop in Debian Chromium: figures one level at a time (province → city →
county → town), the county's many towns a page at a time and found by name, a town opening its branches."""

import datetime

import pytest
from playwright.sync_api import expect

from fivestar.orgs.models import Level, OrgUnit
from fivestar.rating.services import create_round, populate_round
from fivestar.rating.tests.conftest import published_framework

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}


def _province_round(world):
    for i in range(34):  # 濮阳县 gets 36 towns: more than one page
        town = OrgUnit.objects.create(code=f"410928{300 + i}", name=f"测试{i:02d}镇", level=Level.TOWN, parent=world.county)
        OrgUnit.objects.create(code=f"410928{300 + i}201", name=f"测试{i:02d}村委会", level=Level.VILLAGE, parent=town)
    today = datetime.date.today()
    rnd = create_round(
        world.users["sysadmin"], scope=world.province, name="河南省2024年度评星", kind="annual", year=2024,
        period_start=today - datetime.timedelta(days=10), period_end=today + datetime.timedelta(days=50),
        rural_framework=published_framework("puyang-2023-rural"), community_framework=published_framework("puyang-2023-community"),
        self_deadline=today + datetime.timedelta(days=5), town_deadline=today + datetime.timedelta(days=10),
        county_deadline=today + datetime.timedelta(days=15), notice_days=5,
    )
    populate_round(rnd.pk)
    return rnd


def test_the_province_drills_down_to_a_town_on_a_desktop(live_world, live_server, browser, sign_in, shot):
    rnd = _province_round(live_world)
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    sign_in(page, "sys")
    page.goto(f"{live_server.url}/rating/rounds/{rnd.pk}/")
    table = page.get_by_test_id("unit-table")
    expect(page.get_by_test_id("unit-total")).to_have_text("共 39 个支部")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("濮阳市")
    shot(page, "drilldown-province")

    table.get_by_role("link", name="濮阳市").click()
    expect(page.get_by_test_id("unit-name")).to_have_text("濮阳市")
    expect(page.get_by_test_id("unit-table").locator("tbody tr")).to_have_count(2)  # 清丰县, 濮阳县
    page.get_by_test_id("unit-table").get_by_role("link", name="濮阳县").click()
    expect(page.get_by_test_id("unit-name")).to_have_text("濮阳县")
    expect(page.locator(".breadcrumb")).to_contain_text("濮阳市")
    rows = page.get_by_test_id("unit-table").locator("tbody tr")
    expect(rows).to_have_count(30)
    expect(page.get_by_text("第 1 / 2 页，共 36 条")).to_be_visible()
    shot(page, "drilldown-county")
    page.get_by_role("link", name="下一页").click()
    expect(rows).to_have_count(6)

    search = page.get_by_test_id("unit-search")
    search.get_by_role("searchbox").fill("庆祖")
    search.get_by_role("button").click()
    expect(rows).to_have_count(1)
    expect(page.get_by_test_id("unit-table")).to_contain_text("3")
    shot(page, "drilldown-search")
    page.get_by_test_id("unit-table").get_by_role("link", name="庆祖镇").click()
    expect(page.get_by_test_id("town-name")).to_have_text("庆祖镇")
    expect(page.get_by_test_id("town-list")).to_contain_text("西辛庄村")
    shot(page, "drilldown-town")
    context.close()
