"""Town first review (初审) in Debian Chromium: the town admin opens the round, reads the town list,
changes one value with a reason, approves one village, and returns another with a comment; then the
same list on a phone."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fivestar.rating.models import Assessment, AssessmentEvent, Round, StarHolding, Status, VetoEvent
from fivestar.rating.services import create_round, submit
from fivestar.rating.tests.conftest import published_framework
from fivestar.rating.tests.notice_helpers import fill

from .conftest import PHONE

pytestmark = pytest.mark.browser


def _draft_town_round(world):
    today = datetime.date.today()
    return create_round(
        world.users["town_admin"], scope=world.town, name="庆祖镇2024年第一次动态评星", kind="interim", year=2024,
        period_start=today - datetime.timedelta(days=10), period_end=today + datetime.timedelta(days=50),
        rural_framework=published_framework("puyang-2023-rural"), community_framework=published_framework("puyang-2023-community"),
        self_deadline=today + datetime.timedelta(days=5), town_deadline=today + datetime.timedelta(days=10),
        county_deadline=today + datetime.timedelta(days=15), notice_days=5,
    )


def _villages_submit(world, rnd):
    """What the villages do meanwhile (their own pages are tested elsewhere)."""
    for village in (world.village, world.sibling):
        a = Assessment.objects.select_related("org_unit", "framework", "round").get(round=rnd, org_unit=village)
        submit(fill(a, world.users["sysadmin"]), world.users["sysadmin"], ["paf", "stjy"])


def test_town_admin_opens_reviews_approves_one_and_returns_another(live_world, page, sign_in, live_server, shot, browser):
    rnd = _draft_town_round(live_world)
    sign_in(page, "town")
    page.get_by_role("link", name="评星定级").first.click()
    expect(page.get_by_test_id("round-list")).to_contain_text("庆祖镇2024年第一次动态评星")
    expect(page.get_by_test_id("round-phase")).to_have_text("未开启")
    shot(page, "review-rounds")
    page.get_by_role("link", name="庆祖镇2024年第一次动态评星").click()
    page.get_by_test_id("round-open").click()
    expect(page.get_by_test_id("round-phase")).to_have_text("自评与审核")
    expect(page.get_by_test_id("progress-done")).to_contain_text("共为 3 个支部创建申报")
    expect(page.get_by_test_id("unit-table")).to_contain_text("庆祖镇")
    shot(page, "review-round-detail")

    _villages_submit(live_world, rnd)
    page.get_by_test_id("unit-table").get_by_role("link", name="庆祖镇").click()
    rows = page.get_by_test_id("town-list")
    expect(page.get_by_test_id(f"status-{live_world.village.code}")).to_have_text("已提交")
    expect(page.get_by_test_id(f"status-{live_world.sibling.code}")).to_have_text("已提交")
    expect(page.get_by_test_id(f"status-{live_world.community.code}")).to_have_text("未开始")
    expect(rows).to_contain_text("生态宜居星、平安法治星")
    expect(page.get_by_test_id(f"select-{live_world.community.code}")).to_have_count(0)
    shot(page, "review-town-list")

    # Open 西辛庄村, lower one value with a reason, approve.
    page.get_by_role("link", name="西辛庄村").first.click()
    expect(page.get_by_test_id("acting-level")).to_contain_text("镇级初审")
    expect(page.get_by_test_id("rule-paf-01-03")).to_have_count(0)  # a star's rules arrive when it is opened
    page.get_by_test_id("star-paf").locator("summary").first.click()
    rule = page.get_by_test_id("rule-paf-01-03")
    rule.locator("summary").click()
    rule.get_by_label("改为").select_option("false")
    rule.get_by_role("button", name="改值").click()
    expect(page.get_by_test_id("change-error")).to_have_text("审核改动须填写理由。")
    rule = page.get_by_test_id("rule-paf-01-03")
    rule.get_by_label("改动理由").fill("现场核查：有一次越级上访")
    rule.get_by_role("button", name="改值").click()
    expect(page.get_by_role("alert").first).to_contain_text("已修改细则 paf-01-03：否（镇级初审）")
    expect(page.get_by_test_id("changed-town-paf-01-03")).to_contain_text("否")
    expect(page.get_by_test_id("reason-town-paf-01-03")).to_contain_text("镇级初审改为 否，理由：现场核查：有一次越级上访")
    expect(page.get_by_test_id("event-log")).to_contain_text("现场核查：有一次越级上访")
    shot(page, "review-assessment-changed")
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("assessment-status")).to_have_text("镇级初审通过")
    expect(page.get_by_test_id("reopen-form")).to_be_visible()

    # Back to the list: bulk-return 庆南村 with a comment.
    page.goto(f"{live_server.url}/rating/rounds/{rnd.pk}/towns/{live_world.town.code}/")
    expect(page.get_by_test_id(f"status-{live_world.village.code}")).to_have_text("镇级初审通过")
    page.get_by_test_id(f"select-{live_world.sibling.code}").check()
    expect(page.get_by_test_id("selected-count")).to_have_text("1")
    page.get_by_test_id("bulk-return-toggle").click()
    page.get_by_label("退回意见（将发送给所选村，必填）").fill("请补充平安创建工作方案和矛盾纠纷排查台账")
    page.get_by_test_id("bulk-return").click()
    expect(page.get_by_role("alert").first).to_contain_text("已退回修改 1 个：庆南村")
    expect(page.get_by_test_id(f"status-{live_world.sibling.code}")).to_have_text("已退回")
    shot(page, "review-town-list-after")

    returned = Assessment.objects.get(round=rnd, org_unit=live_world.sibling)
    assert returned.status == Status.RETURNED and returned.return_comments[0]["comment"] == "请补充平安创建工作方案和矛盾纠纷排查台账"
    approved = Assessment.objects.get(round=rnd, org_unit=live_world.village)
    assert approved.status == Status.TOWN_APPROVED and approved.reviews == {"town": {"paf-01-03": False}}
    assert AssessmentEvent.objects.filter(assessment=approved, action="review_change", reason="现场核查：有一次越级上访").exists()

    # The same pages on a phone: nothing wider than the screen.
    phone = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    sign_in(phone, "town")
    for url, name in [(f"/rating/rounds/{rnd.pk}/towns/{live_world.town.code}/", "review-town-list-phone"),
                      (f"/rating/assessments/{approved.pk}/review/?star=paf", "review-assessment-phone"),
                      (f"/rating/assessments/{returned.pk}/review/", "review-returned-phone"),
                      (f"/rating/rounds/{rnd.pk}/", "review-round-phone")]:
        phone.goto(live_server.url + url)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (url, width)
        shot(phone, name)
    phone.context.close()

    # The county reviewer on a phone: only the town-approved village can be selected for 审核.
    phone = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    sign_in(phone, "county")
    phone.goto(f"{live_server.url}/rating/rounds/{rnd.pk}/towns/{live_world.town.code}/")
    expect(phone.get_by_test_id("my-levels")).to_have_text("您的审核环节：县级审核")
    expect(phone.get_by_test_id(f"select-{live_world.village.code}")).to_be_visible()
    expect(phone.get_by_test_id(f"select-{live_world.sibling.code}")).to_have_count(0)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "review-town-list-county-phone")
    phone.context.close()


def test_town_admin_creates_a_round_and_records_a_veto_event(live_world, page, sign_in, live_server, shot, browser):
    rural = published_framework("puyang-2023-rural")
    StarHolding.objects.create(org_unit=live_world.village, star_code="paf", star_name="平安法治星", gained_at=timezone.now())
    sign_in(page, "town")
    page.goto(f"{live_server.url}/rating/")
    page.get_by_test_id("round-create").click()
    page.get_by_label("名称").fill("庆祖镇2024年第二次动态评星")
    page.get_by_label("村级自评截止").fill("2030-01-20")
    page.get_by_label("镇级初审截止").fill("2030-01-10")
    page.get_by_role("button", name="创建评星周期").click()
    expect(page.get_by_test_id("form-errors")).to_have_text("请按提示修改标红的项目。")
    expect(page.get_by_test_id("error-town_deadline")).to_have_text("镇级初审截止不能早于村级自评截止。")
    expect(page.get_by_label("评星范围")).to_have_value(live_world.town.code)  # the only choice, preselected
    expect(page.get_by_label("农村支部创建标准")).to_have_value(str(rural.pk))
    shot(page, "review-round-form-errors")
    page.get_by_label("评星范围").select_option(live_world.town.code)
    page.get_by_label("农村支部创建标准").select_option(str(rural.pk))
    page.get_by_label("镇级初审截止").fill("2030-01-25")
    page.get_by_label("县级审核截止").fill("2030-01-30")
    page.get_by_label("市级复核").check()
    page.get_by_label("增设层级截止").fill("2030-02-05")
    page.get_by_role("button", name="创建评星周期").click()
    expect(page.get_by_test_id("round-name")).to_have_text("庆祖镇2024年第二次动态评星")
    expect(page.get_by_test_id("round-phase")).to_have_text("未开启")
    expect(page.get_by_test_id("stage-deadlines")).to_contain_text("市级复核")
    rnd = Round.objects.get(name="庆祖镇2024年第二次动态评星")
    assert rnd.scope == live_world.town and rnd.levels == ["town", "county", "city"] and str(rnd.extra_deadline) == "2030-02-05"

    phone = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    sign_in(phone, "town")
    phone.goto(f"{live_server.url}/rating/villages/{live_world.village.code}/veto/new/")
    phone.get_by_label("否决细则").select_option("paf-01-01")
    phone.get_by_label("情况说明").fill("村内发生一起盗窃刑事案件，公安机关已立案")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "review-veto-form-phone")
    phone.get_by_role("button", name="记录并摘星").click()
    expect(phone.get_by_role("alert").first).to_contain_text("西辛庄村已摘除：平安法治星")
    assert VetoEvent.objects.get().rule_code == "paf-01-01"
    shot(phone, "review-veto-done-phone")
    phone.context.close()


def test_reviewer_sees_reasons_return_comments_and_what_changed_since_the_last_look(live_world, page, sign_in, live_server, shot):
    """On a desktop: the town reviewer's page loads no star's rules and no thumbnail until a star is opened; a change
    shows its reason, who and when in its row; a per-rule return comment stays in view in its row; after the village
    edits and resubmits, the rules it changed are marked, and 只看有改动的细则 shows just those."""
    from fivestar.rating.services import open_round, save_answers

    rnd = _draft_town_round(live_world)
    open_round(rnd, live_world.users["town_admin"])
    _villages_submit(live_world, rnd)  # 3 photos on each of the rules that need evidence: hundreds of thumbnails
    a = Assessment.objects.get(round=rnd, org_unit=live_world.village)
    url = f"{live_server.url}/rating/assessments/{a.pk}/review/"
    sign_in(page, "town")
    thumbs = []
    page.on("request", lambda request: thumbs.append(request.url) if "/thumb/" in request.url else None)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("changed-filter")).to_contain_text("首次查看本申报")
    expect(page.locator("tr[id^='rule-']")).to_have_count(0)
    assert thumbs == []  # the first view is light: star headers only

    # A change with its reason, shown in the row with who and when.
    page.get_by_test_id("star-paf").locator("summary").first.click()
    rule = page.get_by_test_id("rule-paf-01-03")
    rule.locator("summary").click()
    rule.get_by_label("改为").select_option("false")
    rule.get_by_label("改动理由").fill("现场核查：有一次越级上访")
    rule.get_by_role("button", name="改值").click()
    reason = page.get_by_test_id("reason-town-paf-01-03")
    expect(reason).to_contain_text("镇级初审改为 否，理由：现场核查：有一次越级上访")
    expect(reason).to_contain_text("镇级管理员（庆祖镇）")
    expect(reason).to_contain_text(f"{timezone.localtime().year}年")
    rows_loaded = page.locator("tr[id^='rule-']").count()
    assert 0 < rows_loaded < 60 and len(thumbs) < 3 * rows_loaded  # only the opened star's rows, thumbnails as scrolled to
    reason.scroll_into_view_if_needed()
    shot(page, "review-reason-in-row")

    # Return with a general comment and one on a rule: both in view without opening anything.
    rule = page.get_by_test_id("rule-paf-01-05")
    rule.locator("summary").click()
    rule.get_by_label("paf-01-05 退回意见").fill("治安案件次数与派出所统计不符，请核实")
    page.get_by_test_id("return-toggle").click()
    expect(page.locator("#return-panel")).to_have_class(re.compile(r"\bshow\b"))  # wait out Bootstrap's collapse animation
    page.locator("#return-comment").fill("请核实平安法治星的治安数据")
    with page.expect_navigation():
        page.get_by_test_id("return-submit").click()
    expect(page.get_by_test_id("assessment-status")).to_have_text("已退回")
    expect(page.get_by_test_id("return-comment")).to_contain_text("退回意见：请核实平安法治星的治安数据")
    expect(page.get_by_test_id("star-comments-paf")).to_have_text("1 条退回意见")
    comment = page.get_by_test_id("rule-comment-paf-01-05")
    expect(comment).to_be_visible()
    expect(comment).to_contain_text("退回意见：治安案件次数与派出所统计不符，请核实")
    shot(page, "review-return-comment-in-row")

    # The village corrects the rule, explains it and resubmits (its own pages are tested elsewhere).
    secretary = live_world.users["village_cadre"]
    a = Assessment.objects.select_related("round", "framework", "org_unit").get(pk=a.pk)
    a = save_answers(a, secretary, "village", values={"paf-01-05": 1}, notes={"paf-01-05": "已与派出所核对：全年治安案件 1 起"}, expected_version=a.version)
    submit(a, secretary, ["paf", "stjy"])

    page.goto(url)
    expect(page.get_by_test_id("changed-count")).to_have_text("自上次查看后有 1 条细则改动")
    expect(page.get_by_test_id("star-changed-paf")).to_have_text("1 条有改动")
    expect(page.get_by_test_id("changed-since-paf-01-05")).to_contain_text("0 次 → 1 次")  # in view: the star holding a comment opened by itself
    expect(page.get_by_test_id("changed-since-paf-01-03")).to_have_count(0)  # the reviewer's own change is not news
    expect(page.get_by_test_id("rule-comment-paf-01-05")).to_contain_text("上次退回意见：治安案件次数与派出所统计不符，请核实")
    expect(page.get_by_test_id("note-paf-01-05")).to_contain_text("已与派出所核对：全年治安案件 1 起")
    expect(page.get_by_test_id("return-comment")).to_contain_text("上次退回意见（村里已修改后重新提交）")
    page.get_by_test_id("changed-since-paf-01-05").scroll_into_view_if_needed()
    shot(page, "review-changed-since-last-look")

    page.get_by_test_id("only-changed").click()
    expect(page.locator("tr[id^='rule-']")).to_have_count(1)
    expect(page.get_by_test_id("rule-paf-01-05")).to_be_visible()
    expect(page.get_by_test_id("star-zbgy")).to_have_count(0)
    shot(page, "review-only-changed")
    page.get_by_test_id("show-all").click()
    expect(page.get_by_test_id("no-changes")).to_have_text("自您上次查看后，没有细则改动。")

    # The town list says which village has news since the reviewer's last look.
    sibling = Assessment.objects.get(round=rnd, org_unit=live_world.sibling)
    page.goto(f"{live_server.url}/rating/assessments/{sibling.pk}/review/")
    sibling.refresh_from_db()
    save_answers(sibling, live_world.users["supervisor"], "town", values={"paf-01-04": False}, reason="督导核查", expected_version=sibling.version)
    page.goto(f"{live_server.url}/rating/rounds/{rnd.pk}/towns/{live_world.town.code}/")
    expect(page.get_by_test_id(f"news-{live_world.sibling.code}")).to_have_text("有新动态")
    expect(page.get_by_test_id(f"news-{live_world.village.code}")).to_have_count(0)
    shot(page, "review-town-list-news")
