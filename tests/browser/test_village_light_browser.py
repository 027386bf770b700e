"""The self-assessment page on a 390×844 phone, light and clear: a star's rules load when it is opened; one
action confirms a star's carried-forward answers after a summary of them by rule text and value; a refused
submission lists what is missing by rule text, grouped by star, and a link opens the (not yet loaded) star at
that rule; saving an answer updates its row, its star's header and the star bar and nothing else, and an open
gap list is fetched again after saves. Also runs bench/pages.py's measurement once (self-assessment and review page) and
prints the numbers (transferred weight, DOM elements, time on a throttled phone)."""

import datetime
import os
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from fivestar.core.roles import Role
from fivestar.rating.models import Assessment, Status
from fivestar.rating.services import create_round, open_round
from fivestar.rating.services.evaluation import evaluate_assessment
from fivestar.rating.tests.conftest import full_marks, published_framework

from tests.factories import PASSWORD

from .conftest import PHONE

pytestmark = pytest.mark.browser
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))


def _screen(page, name):
    if os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=os.path.join(os.environ["SCREENSHOT_DIR"], f"{name}-screen.png"))


def _round_with_paf_carried(world):
    """An open round whose 平安法治星 answers were all carried forward from the last round, to confirm."""
    rural, community = published_framework("puyang-2023-rural"), published_framework("puyang-2023-community")
    today = datetime.date.today()
    rnd = create_round(world.users[Role.COUNTY_ADMIN], scope=world.county, name="2023年第一次动态评星", kind="annual", year=2023,
                       period_start=today - datetime.timedelta(days=30), period_end=today + datetime.timedelta(days=30),
                       rural_framework=rural, community_framework=community, self_deadline=today + datetime.timedelta(days=5),
                       town_deadline=today + datetime.timedelta(days=10), county_deadline=today + datetime.timedelta(days=15))
    open_round(rnd, world.users[Role.COUNTY_ADMIN])
    a = Assessment.objects.get(round=rnd, org_unit=world.village)
    values = {c: v for c, v in full_marks(rural).items() if c.startswith("paf-")}
    a.answers, a.to_confirm, a.status = values, list(values), Status.IN_PROGRESS
    evaluate_assessment(a)
    a.save()
    return a


@pytest.fixture
def phone(live_world, browser, sign_in, live_server):
    a = _round_with_paf_carried(live_world)
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    sign_in(page, "secretary")
    page.goto(f"{live_server.url}/rating/assessments/{a.pk}/")
    yield a, page
    context.close()


def test_a_star_loads_when_opened_and_a_save_moves_the_star_bar(phone, shot):
    a, page = phone
    # The first star with work left (支部过硬星) comes open with the page; the others hold only their header.
    expect(page.locator("#rule-zbgy-01-01")).to_be_visible()
    expect(page.locator("#rule-wmxf-01-01")).to_have_count(0)
    expect(page.get_by_test_id("progress-text-paf")).to_have_text("已填 42/42")
    expect(page.get_by_test_id("progress-pending-paf")).to_have_text("待确认 42 项")
    expect(page.get_by_test_id("progress-score-paf")).to_have_text("得 100/100")
    shot(page, "light-phone-top")
    _screen(page, "light-phone-top")
    page.get_by_test_id("star-wmxf").locator(".accordion-button").click()
    expect(page.locator("#rule-wmxf-01-01")).to_be_visible()
    expect(page.get_by_test_id("rules-wmxf")).to_have_attribute("data-loaded", "1")
    expect(page.locator("#rule-wmxf-01-01 .fs-code")).to_be_hidden()  # the code is secondary: hidden on a phone
    expect(page.get_by_test_id("live-bar-wmxf")).to_have_text("文明 0")
    page.locator("#rule-wmxf-01-01").get_by_text("达标", exact=True).click()
    expect(page.locator("#st-wmxf-01-01")).to_contain_text("已保存")
    expect(page.get_by_test_id("live-bar-wmxf")).not_to_have_text("文明 0")
    expect(page.get_by_test_id("progress-text-wmxf")).to_have_text(f"已填 1/{len(a.framework.compiled().stars_by_code['wmxf'].rules)}")
    assert Assessment.objects.get(pk=a.pk).answers["wmxf-01-01"] is True
    _screen(page, "light-phone-star-loaded")


def test_a_save_updates_its_row_its_star_header_and_the_star_bar_and_nothing_else(phone):
    a, page = phone
    # Mark every star header and summary line: a node the save's answer replaces loses its mark.
    page.evaluate("document.querySelectorAll('[id^=progress-], [id^=sum-]').forEach(function (e) { e.dataset.mark = '1'; })")
    expect(page.get_by_test_id("progress-text-zbgy")).to_have_text("已填 0/42")
    expect(page.get_by_test_id("live-bar-zbgy")).to_have_text("支部 0")
    expect(page.get_by_test_id("live-bar-filled")).to_contain_text("42/210")
    with page.expect_response(lambda r: "/rules/zbgy-01-01/" in r.url) as saved:
        page.locator("#rule-zbgy-01-01").get_by_text("达标", exact=True).click()
    body = saved.value.text()
    expect(page.locator("#st-zbgy-01-01")).to_contain_text("已保存")
    expect(page.locator("#st-zbgy-01-01")).to_contain_text("得 3/3 分")  # the row
    expect(page.get_by_test_id("progress-text-zbgy")).to_have_text("已填 1/42")  # its star's header
    expect(page.get_by_test_id("progress-score-zbgy")).to_have_text("得 3/100")
    expect(page.get_by_test_id("live-bar-zbgy")).to_have_text("支部 3")  # the star bar
    expect(page.get_by_test_id("live-bar-filled")).to_contain_text("43/210")
    expect(page.get_by_test_id("live-score-zbgy")).to_have_text("3")
    marks = page.evaluate("Array.from(document.querySelectorAll('[id^=progress-], [id^=sum-]')).filter(function (e) { return !e.dataset.mark; }).map(function (e) { return e.id; })")
    assert sorted(marks) == ["progress-zbgy", "sum-zbgy"]  # the other stars' headers were left alone
    assert "progress-paf" not in body and "fs-gaps" not in body and len(body) < 5000
    expect(page.get_by_test_id("progress-pending-paf")).to_have_text("待确认 42 项")
    assert Assessment.objects.get(pk=a.pk).star_scores["zbgy"]["score"] == 3
    _screen(page, "light-phone-saved")


def test_an_open_gap_list_is_fetched_again_after_saves(phone):
    a, page = phone
    gaps = page.get_by_test_id("gap-list")
    with page.expect_response(lambda r: r.url.endswith("/gaps/")):
        gaps.locator("summary").click()
    expect(gaps.get_by_test_id("gap-zbgy")).to_be_visible()
    expect(gaps.locator("a[href='#rule-zbgy-01-01']")).not_to_have_count(0)  # a required rule: a blocker and a gain
    with page.expect_response(lambda r: r.url.endswith("/gaps/")) as refreshed:  # after the save, on its own
        page.locator("#rule-zbgy-01-01").get_by_text("达标", exact=True).click()
    assert refreshed.value.ok
    expect(page.locator("#st-zbgy-01-01")).to_contain_text("已保存")
    expect(gaps).to_have_attribute("open", "")
    expect(gaps.locator("a[href='#rule-zbgy-01-01']")).to_have_count(0)  # done: no longer listed as a way to gain points


def test_confirm_all_carried_answers_of_a_star_after_its_summary(phone):
    a, page = phone
    star = page.get_by_test_id("star-paf")
    star.locator(".accordion-button").click()
    button = page.get_by_test_id("confirm-star-paf")
    expect(button).to_have_text("确认本星沿用的 42 项")
    button.click()
    summary = page.get_by_test_id("carried-summary-paf")
    expect(summary).to_contain_text("以下 42 项沿用上期结果")
    expect(summary.get_by_test_id("carried-item-paf-01-01")).to_contain_text("年内村内未发生刑事案件")
    expect(summary.get_by_test_id("carried-item-paf-01-01")).to_contain_text("→ 达标")
    summary.scroll_into_view_if_needed()
    _screen(page, "light-phone-carried-summary")
    assert Assessment.objects.get(pk=a.pk).to_confirm  # nothing confirmed by looking
    summary.get_by_test_id("confirm-star-submit-paf").click()
    expect(page.get_by_test_id("toast")).to_contain_text("已确认沿用 42 项")
    expect(page.get_by_test_id("progress-pending-paf")).to_have_count(0)
    expect(page.get_by_test_id("confirm-star-paf")).to_have_count(0)
    expect(page.locator("[data-testid^='carried-paf-']")).to_have_count(0)
    a.refresh_from_db()
    assert a.to_confirm == [] and a.progress_done == 42
    _screen(page, "light-phone-confirmed")


def test_submit_lists_missing_by_rule_text_grouped_by_star_and_a_link_opens_the_rule(phone):
    a, page = phone
    page.on("dialog", lambda dialog: dialog.accept())
    card = page.get_by_test_id("submit-card")
    card.locator("#apply-paf").check()
    card.locator("#apply-wmxf").check()
    card.get_by_test_id("submit").click()
    missing = page.get_by_test_id("submit-missing")
    expect(missing.get_by_test_id("missing-group-paf")).to_contain_text("平安法治星")
    expect(missing.get_by_test_id("missing-group-wmxf")).to_contain_text("文明幸福星")
    expect(missing).not_to_contain_text("zbgy-")
    link = missing.get_by_test_id("missing-wmxf-01-01")
    expect(link).to_contain_text(a.framework.compiled().rules_by_code["wmxf-01-01"].text[:10])
    expect(missing.locator("li", has=page.get_by_test_id("missing-wmxf-01-01"))).to_contain_text("尚未填报")
    missing.scroll_into_view_if_needed()
    _screen(page, "light-phone-missing")
    expect(page.locator("#rule-wmxf-01-01")).to_have_count(0)  # that star is not loaded yet
    link.click()
    expect(page.locator("#rule-wmxf-01-01")).to_be_in_viewport()
    _screen(page, "light-phone-jump")


def test_bench_measures_the_self_assessment_and_review_pages(live_world, browser, live_server, record_property):
    """bench/pages.py's measurement, once, on a throttled phone: the village's self-assessment page and the town
    reviewer's page of the same assessment (a paf star opened). The numbers are printed after the run (the
    root conftest's "bench" section, so CI shows them), not asserted beyond weight and size bounds."""
    from pages import measure

    a = _round_with_paf_carried(live_world)
    for label, path, user in (("村级自评", f"/rating/assessments/{a.pk}/", "secretary"),
                              ("镇级审核申报（展开一星）", f"/rating/assessments/{a.pk}/review/?star=paf", "town")):
        row = measure(browser, live_server.url, path, user, password=PASSWORD)
        line = (f"{label} (test server, static files uncompressed): {row['kb']:.0f} KB, page {row['document_kb']:.0f} KB, "
                f"{row['requests']} requests, {row['elements']} elements, {row['seconds']:.2f} s on fast 3G + 4× CPU")
        print("\n" + line)
        record_property("bench", line)
        assert row["document_kb"] < 60, line  # the page itself (gzipped): star headers, one open star, no gap list
        assert row["elements"] < 3000, line
