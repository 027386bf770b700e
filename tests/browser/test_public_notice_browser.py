"""The public notice (公示) on a phone, without logging in: read the proposals, file an objection, see
the confirmation; then the town admin finds it through the inbox bell and dismisses it with a reason."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from fivestar.rating.models import Objection
from fivestar.rating.services import create_round, open_round, start_notice
from fivestar.rating.tests.conftest import published_framework
from fivestar.rating.tests.notice_helpers import WEAK_WMXF, approve_all

from .conftest import PHONE

pytestmark = pytest.mark.browser


def _round_in_notice(world):
    today = datetime.date.today()
    county = world.users["county_admin"]
    rnd = create_round(
        county, scope=world.county, name="2023年度评星", kind="annual", year=2023,
        period_start=today - datetime.timedelta(days=30), period_end=today + datetime.timedelta(days=30),
        rural_framework=published_framework("puyang-2023-rural"), community_framework=published_framework("puyang-2023-community"),
        self_deadline=today + datetime.timedelta(days=5), town_deadline=today + datetime.timedelta(days=10),
        county_deadline=today + datetime.timedelta(days=15), notice_days=7,
    )
    open_round(rnd, county)  # outside a transaction: the population task runs at once
    rnd.refresh_from_db()
    approve_all(world, rnd, overrides={world.sibling.code: WEAK_WMXF})
    return start_notice(rnd, county)


def test_anyone_reads_the_notice_on_a_phone_and_files_an_objection(live_world, browser, live_server, shot, sign_in):
    rnd = _round_in_notice(live_world)
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()

    page.goto(f"{live_server.url}/public/{rnd.public_token}/")
    expect(page.get_by_test_id("round-name")).to_have_text("2023年度评星")
    expect(page.get_by_test_id("town-410928103")).to_contain_text("3 个支部")
    shot(page, "public-round-phone")
    page.get_by_test_id("town-410928103").click()

    expect(page.get_by_test_id("town-title")).to_have_text("庆祖镇“五星”支部评星结果公示")
    end = rnd.notice_end
    expect(page.get_by_test_id("notice-period")).to_contain_text(f"{end.year}年{end.month}月{end.day}日")
    xxz = page.get_by_test_id("branch-410928103205")
    expect(xxz.get_by_test_id("branch-name")).to_have_text("西辛庄村")
    expect(xxz.get_by_test_id("branch-rating")).to_have_text("拟认定 五星")
    expect(xxz.get_by_test_id("branch-stars").locator(".badge")).to_have_count(5)
    qn = page.get_by_test_id("branch-410928103201")
    expect(qn.get_by_test_id("branch-rating")).to_have_text("拟认定 三星")
    expect(qn.get_by_test_id("branch-stars")).to_contain_text("★ 产业兴旺星")
    expect(qn.get_by_test_id("branch-stars")).not_to_contain_text("文明幸福星")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    shot(page, "public-town-phone")

    qn.get_by_test_id("object-link").click()
    expect(page.get_by_label("被异议的支部")).to_have_value(str(rnd.assessments.get(org_unit=live_world.sibling).pk))
    page.get_by_label("异议理由").fill("太短")
    page.get_by_role("button", name="提交异议").click()
    expect(page.get_by_test_id("error-reason")).to_have_text("异议理由至少 5 个字。")
    shot(page, "public-objection-error-phone")

    page.get_by_label("异议理由").fill("庆南村的村集体经济收入数据与村务公开栏不一致，请核实。")
    page.get_by_label("联系方式（选填）").fill("13900001111")
    page.get_by_role("button", name="提交异议").click()
    expect(page.get_by_test_id("public-message")).to_contain_text("异议已提交，我们将依法依规核实处理")
    shot(page, "public-objection-filed-phone")
    objection = Objection.objects.get()
    assert (objection.assessment.org_unit, objection.contact) == (live_world.sibling, "13900001111")

    page.goto(f"{live_server.url}/public/{rnd.public_token}/towns/410928103/print/")
    expect(page.get_by_test_id("print-title")).to_have_text("庆祖镇“五星”支部评星结果公示")
    assert page.evaluate("document.querySelector('img').naturalWidth") > 0  # the QR code loaded
    shot(page, "public-print-phone")
    context.close()
    a4 = browser.new_context(viewport={"width": 794, "height": 1123}, locale="zh-CN").new_page()  # A4 at 96 dpi
    a4.emulate_media(media="print")
    a4.goto(f"{live_server.url}/public/{rnd.public_token}/towns/410928103/print/")
    expect(a4.get_by_text("如有异议请扫码反映")).to_be_visible()
    expect(a4.get_by_role("button", name="打印（A4）")).to_be_hidden()
    shot(a4, "public-print-a4")

    # The town admin: the bell shows the new message; it leads to the objection, which they dismiss.
    staff = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    sign_in(staff, "town")
    expect(staff.get_by_test_id("inbox-unread")).to_have_text("1")
    staff.get_by_test_id("inbox-bell").click()
    expect(staff.get_by_test_id("notification")).to_contain_text("庆南村 收到公示异议")
    shot(staff, "inbox-phone")
    staff.get_by_test_id("notification").click()
    expect(staff).to_have_url(re.compile(rf"/rating/rounds/{rnd.pk}/objections/$"))
    expect(staff.get_by_test_id("inbox-unread")).to_have_count(0)
    card = staff.get_by_test_id(f"objection-{objection.pk}")
    card.get_by_label("不予采纳").check()
    card.get_by_label("处理意见（必填）").fill("经核实，公开栏数据为上年数据，申报无误。")
    card.get_by_role("button", name="提交处理结果").click()
    expect(staff.get_by_test_id(f"objection-{objection.pk}").get_by_test_id("objection-status")).to_have_text("不予采纳")
    shot(staff, "objections-phone")
    staff.goto(f"{live_server.url}/orgs/{live_world.village.code}/")
    expect(staff.get_by_test_id("village-stars")).to_contain_text("未评星")
    staff.get_by_role("link", name="评星记录").first.click()
    expect(staff.get_by_test_id("current-rating")).to_have_text("未评星")
    shot(staff, "history-phone")


def test_village_history_after_recognition_and_a_veto(live_world, browser, live_server, shot, sign_in):
    from fivestar.inbox.models import Notification
    from fivestar.people.models import Person
    from fivestar.rating.services import recognise, record_veto

    rnd = _round_in_notice(live_world)
    recognise(rnd, live_world.users["county_admin"], today=rnd.notice_end + datetime.timedelta(days=1))
    Person.objects.create(org_unit=live_world.town, name="王镇长", gender="M", position="town_cadre", user=live_world.users["town_admin"])
    veto_rule = next(r.code for r in rnd.rural_framework.compiled().stars_by_code["paf"].rules if r.veto)
    record_veto(live_world.village, live_world.users["town_admin"], veto_rule, datetime.date.today(), "村内发生一起刑事案件，已立案侦查")

    page = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    sign_in(page, "secretary")
    # What the round told the village, once each: opened, approved by the town and by the county, on notice,
    # recognised; then the 摘星 notice.
    kinds = sorted(Notification.objects.filter(user=live_world.users["village_cadre"]).values_list("kind", flat=True))
    assert kinds == ["approved", "approved", "notice", "opened", "recognised", "withdrawn"]
    expect(page.get_by_test_id("inbox-unread")).to_have_text("6")
    page.goto(f"{live_server.url}/orgs/{live_world.village.code}/")
    card = page.get_by_test_id("village-stars")
    expect(card).to_contain_text("三星")
    expect(card.get_by_test_id("withdrawn-star").first).to_contain_text("摘星")
    shot(page, "village-page-phone")
    page.get_by_test_id("village-actions").get_by_role("link", name="评星记录").click()
    expect(page.get_by_test_id("current-rating")).to_have_text("三星")
    expect(page.get_by_test_id("timeline-withdrawn")).to_contain_text("摘星：支部过硬星、平安法治星")
    expect(page.get_by_test_id("timeline-withdrawn")).to_contain_text("记录人：王镇长")
    expect(page.get_by_test_id("timeline-recognised")).to_contain_text("2023年度评星：认定为五星")
    expect(page.get_by_test_id("veto-events")).to_contain_text("村内发生一起刑事案件")
    shot(page, "history-veto-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "history-veto-desktop")
    response = page.request.get(f"{live_server.url}/rating/villages/{live_world.village.code}/certificate.pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
