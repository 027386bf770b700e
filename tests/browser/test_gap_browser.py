"""The 差距 page on a phone, in Debian Chromium: the village secretary marks answers, watches the live
preview change, fixes an error, saves, and reads the stars and the gap list."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from fivestar.core.roles import Role
from fivestar.indicators.models import CollectiveIncome
from fivestar.standards.gap_selectors import Answers
from fivestar.standards.models import BranchResult
from fivestar.standards.results_services import save_branch_result
from fivestar.standards.tests.gap_helpers import all_passing, publish

from .conftest import PHONE

pytestmark = pytest.mark.browser
MISSING = ["stjy-01-01", "stjy-01-02", "stjy-01-03", "stjy-01-04", "stjy-01-05", "stjy-01-06", "stjy-02-02"]


def _saved_state(world):
    """Everything passes except a few 生态宜居星 rules; income 40,000 keeps 产业兴旺星 out of reach."""
    fv = publish()
    CollectiveIncome.objects.create(org_unit=world.village, year=2023, operating_income=Decimal(40000))
    framework = fv.compiled()
    answers = Answers()
    for name, value in all_passing(framework, skip=MISSING).items():
        code = name[2:]
        kind = framework.rules_by_code[code].kind
        answers.results[code] = value == "1" if kind == "check" else (int(value) if kind == "deduction" else float(value))
    save_branch_result(world.users[Role.TOWN_ADMIN], world.village, fv, answers)
    return fv


def test_secretary_marks_answers_sees_the_preview_saves_and_reads_the_gap_list(live_world, browser, sign_in, live_server, shot):
    _saved_state(live_world)
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    sign_in(page, "secretary")
    page.goto(f"{live_server.url}/orgs/{live_world.village.code}/")
    page.get_by_role("link", name="差距分析").click()
    expect(page.get_by_test_id("gap-title")).to_have_text("西辛庄村 · 差距分析")
    expect(page.get_by_test_id("rating")).to_have_text("2")
    expect(page.get_by_test_id("star-stjy").get_by_test_id("star-status")).to_have_text("未获得")
    expect(page.get_by_test_id("star-paf").get_by_test_id("star-status")).to_have_text("已获得")
    expect(page.get_by_test_id("star-cyxw").get_by_test_id("star-reasons")).to_contain_text("必达细则 cyxw-01-01")
    expect(page.get_by_test_id("gap-list")).to_contain_text("村集体经济收入达到 50000 元")
    expect(page.get_by_test_id("preview-rating")).to_have_text("2")
    shot(page, "gap-phone-before")

    # Mark one missing rule 达标: the live preview (no save) now counts 生态宜居星.
    page.get_by_test_id("section-stjy").locator("summary").click()
    rule = page.get_by_test_id("rule-stjy-01-01")
    rule.get_by_text("达标", exact=True).click()
    expect(page.get_by_test_id("preview-stjy")).to_have_attribute("data-awarded", "1")
    expect(page.get_by_test_id("preview-rating")).to_have_text("3")
    assert BranchResult.objects.get().rating == 2  # nothing saved yet

    # A score above the maximum: the preview flags it, saving refuses with a Chinese message.
    page.get_by_test_id("rule-stjy-01-02").get_by_role("textbox").fill("9")
    expect(page.get_by_test_id("preview-errors")).to_have_text("1 处填写有误")
    page.get_by_test_id("save-results").click()
    expect(page.get_by_test_id("form-errors")).to_contain_text("未保存")
    expect(page.get_by_test_id("error-stjy-01-02")).to_contain_text("得分 9 超出范围，应在 0–3 分之间。")
    assert BranchResult.objects.get().rating == 2
    shot(page, "gap-phone-error")

    # The answers typed so far are kept; fix the score and save.
    expect(page.get_by_test_id("rule-stjy-01-01").locator("#r-stjy-01-01-1")).to_be_checked()
    page.get_by_test_id("rule-stjy-01-02").get_by_role("textbox").fill("3")
    expect(page.get_by_test_id("preview-errors")).to_have_count(0)
    page.get_by_test_id("save-results").click()
    expect(page.get_by_role("alert")).to_contain_text("已保存。按当前结果可获得 3 颗星")
    expect(page.get_by_test_id("rating")).to_have_text("3")
    expect(page.get_by_test_id("star-stjy").get_by_test_id("star-status")).to_have_text("已获得")
    expect(page.get_by_test_id("star-cyxw").get_by_test_id("star-status")).to_have_text("未获得")
    gaps = page.get_by_test_id("gap-list")
    expect(gaps.get_by_test_id("gap-cyxw").get_by_test_id("closest-star")).to_have_text("最接近")
    expect(gaps.get_by_test_id("gap-cyxw")).to_contain_text("cyxw-01-01")
    expect(gaps.get_by_test_id("gap-zbgy")).to_contain_text("需先获得 产业兴旺星")
    row = BranchResult.objects.get()
    assert row.rating == 3 and row.awarded == ["stjy", "paf", "wmxf"]
    assert row.results["stjy-01-01"] is True and row.results["stjy-01-02"] == 3
    assert row.updated_by.username == "secretary"

    # Nothing on the page is wider than the phone.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    shot(page, "gap-phone-after")
    context.close()


def test_supervisor_sees_the_page_read_only(live_world, page, sign_in, live_server):
    _saved_state(live_world)
    sign_in(page, "supervisor")
    page.goto(f"{live_server.url}/gap/{live_world.village.code}/")
    expect(page.get_by_test_id("read-only")).to_be_visible()
    expect(page.get_by_test_id("save-results")).to_have_count(0)
    expect(page.get_by_test_id("rating")).to_have_text("2")
