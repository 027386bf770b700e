"""截止处理 on a desktop, as the demo needs it: every deadline is still ahead, the county closes a branch that
will not take part early, with a reason; once the self-assessment deadline has passed, the remaining overdue
branch is closed with one click; the notice is published with the rest and shows both as 未按期完成."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from fivestar.rating.models import Assessment, AssessmentEvent, Round, Status
from fivestar.rating.services import approve, create_round, open_round, submit
from fivestar.rating.tests.conftest import published_framework
from fivestar.rating.tests.notice_helpers import fill

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}


def _open_round(world):
    today = datetime.date.today()
    county = world.users["county_admin"]
    rnd = create_round(
        county, scope=world.county, name="2026年第六次动态评星", kind="interim", year=today.year,
        period_start=today - datetime.timedelta(days=30), period_end=today + datetime.timedelta(days=30),
        rural_framework=published_framework("puyang-2023-rural"), community_framework=published_framework("puyang-2023-community"),
        self_deadline=today + datetime.timedelta(days=5), town_deadline=today + datetime.timedelta(days=10),
        county_deadline=today + datetime.timedelta(days=15), notice_days=7,
    )
    open_round(rnd, county)
    rnd.refresh_from_db()
    admin = world.users["sysadmin"]
    for unit in (world.village, world.sibling):  # finished: submitted, approved by the town and the county
        a = Assessment.objects.select_related("org_unit", "framework").get(round=rnd, org_unit=unit)
        approve(approve(submit(fill(a, admin), admin, ["paf"]), admin, "town"), admin, "county")
    return rnd  # the community and 八公桥村 have not started


def test_county_closes_early_then_overdue_and_publishes_the_notice(live_world, browser, live_server, shot, sign_in):
    rnd = _open_round(live_world)
    page = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, "county")

    # Deadlines ahead: publishing is refused, and says where to go.
    page.goto(f"{live_server.url}/rating/rounds/{rnd.pk}/")
    page.get_by_test_id("start-notice-form").get_by_role("button", name="发布公示").click()
    expect(page.get_by_role("alert").first).to_contain_text("还有 2 个支部的申报未完成最终审核")
    page.get_by_test_id("deadlines-link").click()
    expect(page).to_have_url(re.compile(rf"/rating/rounds/{rnd.pk}/deadlines/$"))
    expect(page.get_by_test_id("overdue-card")).to_have_count(0)  # nothing is overdue yet
    community = live_world.community.code
    page.get_by_test_id(f"early-select-{community}").check()
    expect(page.get_by_test_id("early-selected")).to_have_text("1")
    page.get_by_test_id("early-reason").fill("该社区已书面申请本期不参加动态评星，经县委组织部同意")
    page.get_by_test_id("early-submit").click()
    expect(page.get_by_role("alert").first).to_contain_text("已提前截止处理 1 个申报")
    expect(page.get_by_test_id(f"closed-reason-{community}")).to_contain_text("提前截止处理（村级自评截止")
    expect(page.get_by_test_id(f"closed-reason-{community}")).to_contain_text("该社区已书面申请本期不参加动态评星")
    expect(page.get_by_test_id(f"closed-{community}")).to_contain_text("县级管理员（濮阳县）")
    shot(page, "deadlines-early-desktop")

    # A week later the self-assessment deadline has passed: 八公桥村 never started, and is closed in one click.
    Round.objects.filter(pk=rnd.pk).update(self_deadline=datetime.date.today() - datetime.timedelta(days=1))
    page.reload()
    expect(page.get_by_test_id("overdue-count")).to_have_text("1")
    page.get_by_test_id("close-overdue").click()
    expect(page.get_by_role("alert").first).to_contain_text("已截止处理 1 个逾期未完成的申报")
    other = live_world.other_village.code
    expect(page.get_by_test_id(f"closed-reason-{other}")).to_contain_text("村级自评截止")
    expect(page.get_by_test_id("closed-total")).to_have_text("2")
    shot(page, "deadlines-closed-desktop")

    # The notice proceeds with the rest; the closed branches are listed as 未按期完成 (keeping the stars held).
    page.goto(f"{live_server.url}/rating/rounds/{rnd.pk}/")
    page.get_by_test_id("start-notice-form").get_by_role("button", name="发布公示").click()
    expect(page.get_by_role("alert").first).to_contain_text("已发布公示")
    expect(page.get_by_test_id("round-phase")).to_have_text("公示中")
    shot(page, "deadlines-notice-round-desktop")
    page.goto(f"{live_server.url}/public/{rnd.public_token}/towns/{live_world.town.code}/")
    expect(page.get_by_test_id(f"branch-{community}").get_by_test_id("branch-rating")).to_contain_text("（未按期完成）")
    expect(page.get_by_test_id(f"branch-{live_world.village.code}").get_by_test_id("branch-rating")).not_to_contain_text("未按期完成")
    shot(page, "deadlines-public-notice-desktop")

    closed = Assessment.objects.filter(round=rnd, status=Status.EXPIRED)
    assert set(closed.values_list("org_unit__code", flat=True)) == {community, other}
    assert AssessmentEvent.objects.filter(assessment__in=closed, action="expire", user=live_world.users["county_admin"]).count() == 2
