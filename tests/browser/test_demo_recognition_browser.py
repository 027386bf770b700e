"""The demo's path ends in 认定: with the demo loaded as `make demo` loads it, the county administrator logs in
on a desktop, opens 户部寨镇's current round (its notice ended yesterday, its one objection dismissed),
presses 认定, and the public results show each branch's stars."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from fivestar.demo.clock import InterimPeriod
from fivestar.rating.models import Round, RoundResult

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}
TOWN = "410928107"
FEATURED = "410928107201"  # 户部寨村: 四星 last year, 五星 now


def test_county_recognises_the_demo_round_and_the_results_show_the_stars(transactional_db, browser, live_server, shot, sign_in):
    call_command("load_demo", verbosity=0)
    rnd = Round.objects.get(scope__code=TOWN, phase=Round.Phase.NOTICE)
    period = InterimPeriod.containing(rnd.notice_end)

    page = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, "puyangxian", "fivestar-demo")
    page.goto(f"{live_server.url}/rating/")  # 评星定级: the list of rounds
    row = page.get_by_test_id("round-list").locator("tbody tr").filter(has_text="户部寨镇").filter(has_text="公示中")
    expect(row).to_have_count(1)
    row.get_by_role("link", name=period.name).click()
    expect(page).to_have_url(re.compile(rf"/rating/rounds/{rnd.pk}/$"))
    end = rnd.notice_end
    expect(page.get_by_test_id("notice-period")).to_contain_text(f"{end.year}年{end.month}月{end.day}日")
    expect(page.get_by_test_id("objections-link")).not_to_contain_text("待处理")  # the one objection was dismissed

    page.get_by_test_id("recognise-form").get_by_role("button", name="认定").click()
    expect(page.get_by_role("alert").first).to_contain_text("已认定 49 个支部的评星结果")
    expect(page.get_by_test_id("recognised-at")).to_be_visible()
    shot(page, "demo-recognised-round-desktop")

    public = page.get_by_role("link", name="查看公开的评星结果").get_attribute("href")  # opens in a new tab
    page.goto(public if public.startswith("http") else f"{live_server.url}{public}")
    page.get_by_test_id(f"town-{TOWN}").click()
    expect(page.get_by_test_id("town-title")).to_have_text("户部寨镇“五星”支部评星结果")
    expect(page.get_by_test_id("recognised-note")).to_be_visible()
    featured = page.get_by_test_id(f"branch-{FEATURED}")
    expect(featured.get_by_test_id("branch-name")).to_have_text("户部寨村")
    expect(featured.get_by_test_id("branch-rating")).to_have_text("五星")
    expect(featured.get_by_test_id("branch-stars").locator(".badge")).to_have_count(5)
    expect(featured.get_by_test_id("branch-stars")).to_contain_text("★ 支部过硬星")
    shot(page, "demo-recognised-public-results-desktop")

    rnd.refresh_from_db()
    assert rnd.phase == Round.Phase.RECOGNISED
    assert RoundResult.objects.filter(round=rnd).count() == 49
    assert RoundResult.objects.get(round=rnd, org_unit__code=FEATURED).gained == ["zbgy"]
