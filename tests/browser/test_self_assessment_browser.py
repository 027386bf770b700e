"""The village secretary's self-assessment on a phone (390×844) in Debian Chromium: answering rules saves each
one at once and moves the progress bar and the live star summary; a dropped connection shows "未保存，请重试" and
the retry saves; a photo is uploaded for two rules; submitting is refused with the list of what is missing."""

import datetime
import os

import pytest
from PIL import Image
from playwright.sync_api import expect

from fivestar.core.roles import Role
from fivestar.rating.models import Assessment, Evidence
from fivestar.rating.services import create_round, open_round, save_answers
from fivestar.rating.tests.conftest import full_marks, published_framework

from .conftest import PHONE

pytestmark = pytest.mark.browser
LEFT_OPEN = ["paf-01-01", "paf-01-03"]  # a veto rule and a required rule: 平安法治星 needs both


def _screen(page, name):
    """What the phone's screen shows now (the `shot` fixture keeps the whole page)."""
    if os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=os.path.join(os.environ["SCREENSHOT_DIR"], f"{name}-screen.png"))


def _round_with_paf_nearly_done(world):
    rural, community = published_framework("puyang-2023-rural"), published_framework("puyang-2023-community")
    today = datetime.date.today()
    rnd = create_round(world.users[Role.COUNTY_ADMIN], scope=world.county, name="2023年度评星", kind="annual", year=2023,
                       period_start=today - datetime.timedelta(days=30), period_end=today + datetime.timedelta(days=30),
                       rural_framework=rural, community_framework=community, self_deadline=today + datetime.timedelta(days=5),
                       town_deadline=today + datetime.timedelta(days=10), county_deadline=today + datetime.timedelta(days=15))
    open_round(rnd, world.users[Role.COUNTY_ADMIN])
    a = Assessment.objects.get(round=rnd, org_unit=world.village)
    values = {c: v for c, v in full_marks(rural).items() if c.startswith("paf-") and c not in LEFT_OPEN}
    return save_answers(a, world.users[Role.VILLAGE_CADRE], "village", values=values, expected_version=a.version)


def test_secretary_answers_rules_uploads_a_photo_and_sees_what_is_missing(live_world, browser, sign_in, live_server, shot, tmp_path):
    a = _round_with_paf_nearly_done(live_world)
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    sign_in(page, "secretary")
    page.goto(f"{live_server.url}/rating/my/")
    expect(page.get_by_test_id(f"my-assessment-{a.pk}")).to_contain_text("西辛庄村")
    page.get_by_test_id(f"my-assessment-{a.pk}").get_by_role("link", name="填报").click()
    expect(page.get_by_test_id("fill-title")).to_have_text("西辛庄村 · 2023年度评星自评")
    expect(page.get_by_test_id("live-rating")).to_have_text("0")
    expect(page.get_by_test_id("live-star-paf")).to_have_attribute("data-awarded", "0")
    expect(page.get_by_test_id("progress-text-paf")).to_have_text("已填 40/42")
    expect(page.locator("#rule-paf-01-01")).to_be_hidden()  # stars are collapsed on a phone
    shot(page, "village-phone-top")

    # Answer the two open 平安法治星 rules: each saves at once; progress and the live summary follow.
    page.get_by_test_id("star-paf").locator(".accordion-button").click()
    rule = page.locator("#rule-paf-01-01")
    expect(rule).to_be_visible()
    rule.get_by_text("达标", exact=True).click()
    expect(page.locator("#st-paf-01-01")).to_contain_text("已保存")
    expect(page.locator("#st-paf-01-01")).to_contain_text("得 4/4 分")
    expect(page.get_by_test_id("progress-text-paf")).to_have_text("已填 41/42")
    expect(page.get_by_test_id("live-star-paf")).to_have_attribute("data-awarded", "0")
    page.locator("#rule-paf-01-03").get_by_text("达标", exact=True).click()
    expect(page.get_by_test_id("progress-text-paf")).to_have_text("已填 42/42")
    expect(page.get_by_test_id("live-star-paf")).to_have_attribute("data-awarded", "1")
    expect(page.get_by_test_id("live-rating")).to_have_text("1")
    expect(page.get_by_test_id("live-bar-rating")).to_have_text("1")
    expect(page.get_by_test_id("earned")).to_have_text("按当前填报可获得：平安法治星")
    assert Assessment.objects.get(pk=a.pk).answers["paf-01-03"] is True
    shot(page, "village-phone-answered")
    page.get_by_test_id("gap-list").locator("summary").click()
    expect(page.get_by_test_id("gap-list").locator("[data-testid^='gap-']:not([data-testid^='gap-list']):not([data-testid^='gap-improvements'])")).to_have_count(4)
    expect(page.get_by_test_id("gap-paf")).to_have_count(0)  # earned: no gap
    expect(page.get_by_test_id("gap-list")).to_contain_text("需先获得 产业兴旺星、生态宜居星、文明幸福星")
    page.get_by_test_id("gap-list").scroll_into_view_if_needed()
    _screen(page, "village-phone-gaps")

    # A dropped connection: the rule says so (and the page warns); the retry saves what was typed.
    context.set_offline(True)
    points = page.locator("#rule-paf-01-06 input[name=value]")
    points.fill("1.5")
    points.press("Tab")
    unsaved = page.locator("#rule-paf-01-06 .fs-unsaved")
    expect(unsaved).to_be_visible()
    expect(unsaved).to_contain_text("未保存，请重试")
    expect(page.get_by_test_id("offline")).to_be_visible()
    page.locator("#rule-paf-01-06").scroll_into_view_if_needed()
    _screen(page, "village-phone-offline")
    context.set_offline(False)
    page.locator("#rule-paf-01-06").get_by_role("button", name="重试").click()
    expect(page.locator("#st-paf-01-06")).to_contain_text("已保存")
    expect(unsaved).to_be_hidden()
    expect(page.get_by_test_id("offline")).to_be_hidden()
    assert Assessment.objects.get(pk=a.pk).answers["paf-01-06"] == 1.5

    # The server fails once: same visible state, and the retry goes through.
    page.route("**/rules/paf-01-05/", lambda route: route.fulfill(status=500, body="boom"))
    page.locator("#rule-paf-01-05 input[name=value]").fill("1")
    page.locator("#rule-paf-01-05 input[name=value]").press("Tab")
    expect(page.locator("#rule-paf-01-05 .fs-unsaved")).to_be_visible()
    expect(page.get_by_test_id("offline")).to_contain_text("服务器暂时出错，刚才的修改未保存")
    page.unroute("**/rules/paf-01-05/")
    page.locator("#rule-paf-01-05").get_by_role("button", name="重试").click()
    expect(page.locator("#st-paf-01-05")).to_contain_text("已保存")
    expect(page.locator("#rule-paf-01-05 .fs-unsaved")).to_be_hidden()
    assert Assessment.objects.get(pk=a.pk).answers["paf-01-05"] == 1

    # Someone else saved another rule meanwhile: this page's save of its own rule still goes through.
    a.refresh_from_db()
    save_answers(a, live_world.users[Role.VILLAGE_LIAISON], "village", values={"paf-05-03": False}, expected_version=a.version)
    page.locator("#rule-paf-01-07").get_by_text("不达标", exact=True).click()
    expect(page.locator("#st-paf-01-07")).to_contain_text("已保存")
    assert Assessment.objects.get(pk=a.pk).answers["paf-01-07"] is False

    # Someone else changed the same rule meanwhile: the save is refused with what changed, then re-saved on purpose.
    a.refresh_from_db()
    save_answers(a, live_world.users[Role.VILLAGE_LIAISON], "village", values={"paf-01-05": 2}, expected_version=a.version)
    page.locator("#rule-paf-01-05 input[name=value]").fill("0")
    page.locator("#rule-paf-01-05 input[name=value]").press("Tab")
    state = page.locator("#st-paf-01-05")
    expect(state).to_contain_text("未保存：保存冲突：在您编辑期间，他人已修改本申报")
    expect(state).to_contain_text("liaison 修改了 paf-01-05")
    _screen(page, "village-phone-conflict")
    assert Assessment.objects.get(pk=a.pk).answers["paf-01-05"] == 2
    state.get_by_role("button", name="核对后按我的填写重新保存").click()
    expect(state).to_contain_text("已保存")
    assert Assessment.objects.get(pk=a.pk).answers["paf-01-05"] == 0

    # One photo for two rules.
    jpeg = tmp_path / "村综治中心.jpg"
    Image.new("RGB", (1200, 900), (200, 60, 60)).save(jpeg, "JPEG")
    page.locator("#rule-paf-03-01").get_by_role("button", name="上传佐证").click()
    modal = page.get_by_test_id("upload-modal")
    expect(modal).to_be_visible()
    expect(modal.locator("#up-paf-03-01")).to_be_checked()
    modal.locator("#up-paf-03-02").check()
    modal.get_by_test_id("file-input").set_input_files(str(jpeg))
    expect(modal).to_contain_text("已选 1 个：村综治中心.jpg")
    _screen(page, "village-phone-upload")
    modal.get_by_test_id("upload-submit").click()
    expect(modal.get_by_test_id("upload-ok")).to_contain_text("「村综治中心.jpg」已上传，用于 2 条细则")
    _screen(page, "village-phone-uploaded")
    modal.get_by_role("button", name="关闭").click()
    expect(modal).to_be_hidden()
    item = Evidence.objects.get()
    for code in ["paf-03-01", "paf-03-02"]:
        thumb = page.locator(f"#ev-{code} img[src='/rating/evidence/{item.pk}/thumb/']")
        expect(thumb).to_be_visible()
        thumb.scroll_into_view_if_needed()  # thumbnails load lazily
        loaded = ("img => img.complete ? img.naturalWidth : new Promise(done => { img.onload = () => done(img.naturalWidth);"
                  " img.onerror = () => done(-1); setTimeout(() => done(-2), 5000); })")
        assert thumb.evaluate(loaded) == 800  # the reduced thumbnail, streamed after a scoped lookup
    expect(page.locator("#ev-paf-03-01")).to_contain_text("secretary")
    expect(page.locator("#ev-paf-03-01 .fs-count")).to_have_text("1")  # needs 2
    _screen(page, "village-phone-evidence")

    # Submit: refused with the list of what is missing; its links open the rule.
    page.on("dialog", lambda dialog: dialog.accept())
    card = page.get_by_test_id("submit-card")
    card.scroll_into_view_if_needed()
    expect(card.locator("#apply-paf")).to_be_checked()
    expect(card.locator("#apply-zbgy")).not_to_be_checked()
    card.get_by_test_id("submit").click()
    missing = page.get_by_test_id("submit-missing")
    expect(missing).to_contain_text("还有以下内容未完成，暂不能提交")
    expect(missing.get_by_test_id("missing-group-paf")).to_contain_text("平安法治星")
    expect(missing.locator("li", has=page.get_by_test_id("missing-paf-03-01"))).to_contain_text("缺少佐证材料（需 2 份，已有 1 份")
    expect(missing.locator("li", has=page.get_by_test_id("missing-paf-01-01"))).to_contain_text("缺少佐证材料（需 1 份，已有 0 份")
    _screen(page, "village-phone-missing")
    assert Assessment.objects.get(pk=a.pk).status == "in_progress"
    missing.get_by_test_id("missing-paf-01-01").click()
    expect(page.locator("#rule-paf-01-01")).to_be_in_viewport()
    _screen(page, "village-phone-jump")
    context.close()
