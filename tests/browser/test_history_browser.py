"""操作记录 on a 390 px phone in Debian Chromium: the town admin reads who did what by name and post, in
local time, with the village's submission and the town's return in the same feed; rows stack and nothing
scrolls sideways."""

import datetime

import pytest
from django.db import transaction
from playwright.sync_api import expect

from fivestar.core.roles import Role
from fivestar.people.models import Person, RoleAssignment
from fivestar.rating.models import Assessment
from fivestar.rating.services import create_round, open_round, return_for_changes, submit
from fivestar.rating.tests.conftest import published_framework
from fivestar.rating.tests.notice_helpers import fill

from .conftest import PHONE

pytestmark = pytest.mark.browser


def _events(world):
    town, secretary = world.users[Role.TOWN_ADMIN], world.users[Role.VILLAGE_CADRE]
    Person.objects.create(user=town, org_unit=world.town, name="欧春生", gender="M", position="town_leader")
    Person.objects.create(user=secretary, org_unit=world.village, name="李德胜", gender="M", position="secretary", is_party_member=True)
    grant = RoleAssignment(user=secretary, role=Role.VILLAGE_LIAISON, org_unit=world.sibling)
    grant._history_user = town
    grant.save()
    today = datetime.date.today()
    rnd = create_round(
        town, scope=world.town, name="庆祖镇2026年第六次动态评星", kind="interim", year=2026,
        period_start=today - datetime.timedelta(days=10), period_end=today + datetime.timedelta(days=50),
        rural_framework=published_framework("puyang-2023-rural"), community_framework=published_framework("puyang-2023-community"),
        self_deadline=today + datetime.timedelta(days=5), town_deadline=today + datetime.timedelta(days=10),
        county_deadline=today + datetime.timedelta(days=15), notice_days=5,
    )
    with transaction.atomic():
        open_round(rnd, town)
    a = Assessment.objects.get(round=rnd, org_unit=world.village)
    a = submit(fill(a, secretary), secretary, ["paf"])
    return_for_changes(a, town, "town", "请补充主题党日照片，照片须能看清会议横幅和参会人数", {"paf-01-01": "照片不清晰"})


def test_history_on_a_phone_names_people_and_shows_the_workflow(live_world, browser, live_server, sign_in, shot):
    _events(live_world)
    phone = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai").new_page()
    sign_in(phone, "town")
    phone.goto(f"{live_server.url}/history/")
    table = phone.get_by_test_id("history-table")
    expect(table).to_contain_text("欧春生（科级干部）")
    expect(table).to_contain_text("李德胜（村党支部书记）")
    expect(table).to_contain_text("退回修改（镇级初审）")
    expect(table).to_contain_text("提交（村级自评）")
    expect(table).to_contain_text(f"管辖单位：{live_world.sibling.display_name}")
    expect(table).not_to_contain_text("created at")
    expect(phone.get_by_test_id("history-at").first).to_contain_text("年")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Rows stack: the table header is hidden and each cell takes the full row.
    assert not phone.locator("[data-testid=history-table] thead").is_visible()
    shot(phone, "history-phone")

    phone.get_by_label("类型").select_option("rating.workflow")
    phone.get_by_role("button", name="筛选").click()
    expect(phone.get_by_test_id("history-action").first).to_contain_text("退回修改")
    expect(table).not_to_contain_text("角色授权")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "history-phone-workflow")

    phone.get_by_label("起始日期").fill("2026-12-05")
    phone.get_by_label("截止日期").fill("2026-12-01")
    phone.get_by_role("button", name="筛选").click()
    expect(phone.get_by_test_id("filter-errors")).to_contain_text("截止日期不能早于起始日期")
    phone.close()
