"""The phone inspection page (现场督导) on a 390×844 phone with a weak signal: the inspector writes an inspection
with two problems and photos; the draft survives a reload; it is handed over with the browser offline; the
connection comes back and is cut again while a photo uploads (the server stored it, the phone never heard);
a reload with the server still out of reach shows everything waiting; once through, the server holds exactly
one inspection, two problems and each photo once, the large photo downscaled on the phone."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from fivestar.rating.models import Evidence
from fivestar.rating.tests.conftest import published_framework
from fivestar.supervision.models import Inspection, Problem
from fivestar.supervision.tests.conftest import Sup

from .conftest import PHONE
from .field_helpers import FIELD_API, PHOTOS, cut_after_server_saved, fill_problem, jpeg, waiting

pytestmark = pytest.mark.browser


def stored_pictures(page) -> int:
    """How many photos the page's IndexedDB still holds the picture of."""
    return page.evaluate("""() => new Promise(function (resolve) {
        var open = indexedDB.open('fivestar-field');
        open.onsuccess = function () {
            var count = open.result.transaction('bytes').objectStore('bytes').count();
            count.onsuccess = function () { resolve(count.result); };
        };
    })""")


@pytest.fixture
def field(live_world, browser, sign_in, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    published_framework("puyang-2023-rural")
    sup = Sup(live_world)
    context = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    sign_in(page, "supervisor")
    page.goto(f"{live_server.url}/supervision/field/")
    expect(page.get_by_test_id("field-form")).to_be_visible()
    yield sup, context, page
    context.close()


def test_an_inspection_with_two_problems_and_photos_survives_a_cut_connection(field, tmp_path, live_server, shot):
    sup, context, page = field
    pics = [jpeg(tmp_path / f"p{i}.jpg", c) for i, c in enumerate([(200, 40, 40), (40, 160, 40), (40, 40, 200)])]
    big = jpeg(tmp_path / "big.jpg", (180, 150, 20), size=(2400, 1800))

    page.get_by_label("西辛庄村").check()
    page.get_by_label("庆南村").check()
    page.get_by_label("督导情况").fill("查看村容村貌，与村“两委”座谈。")
    page.get_by_label("拍摄现场照片").set_input_files(pics[0])
    expect(page.locator("#fs-insp-photos .fs-field-photo")).to_have_count(1)
    page.get_by_test_id("field-add-problem").click()
    first = page.get_by_test_id("field-problem").nth(0)
    fill_problem(first, "西辛庄村", "较重", "村口垃圾堆放未清运", [pics[1]])
    first.get_by_label("所涉星（可选）").select_option(label="生态宜居星")
    rule = first.get_by_label("所涉细则（可选）")
    rule.select_option(index=1)
    chosen_rule = rule.input_value()
    deadline = first.get_by_label("整改期限").input_value()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", deadline)
    expect(first.locator(".fs-p-deadline-hint")).to_contain_text("按“较重”默认期限")

    page.get_by_test_id("field-add-problem").click()
    second = page.get_by_test_id("field-problem").nth(1)
    fill_problem(second, "庆南村", "严重", "党务公开栏内容未更新", [pics[2], big])
    second.get_by_label("问题描述").press("End")

    # Everything typed so far is kept by the browser: a reload brings the draft back, photos included.
    page.wait_for_timeout(600)  # the debounced save of the last keystrokes
    page.reload()
    expect(page.get_by_label("督导情况")).to_have_value("查看村容村貌，与村“两委”座谈。")
    expect(page.get_by_test_id("field-problem")).to_have_count(2)
    expect(page.get_by_test_id("field-problem").nth(1).get_by_label("问题描述")).to_have_value("党务公开栏内容未更新")
    expect(page.get_by_test_id("field-problem").nth(0).get_by_label("所涉细则（可选）")).to_have_value(chosen_rule)
    expect(page.locator(".fs-field-photo img[src^='blob:']")).to_have_count(4)
    assert stored_pictures(page) == 4
    shot(page, "field-phone-draft")

    # No signal when the inspector hands it over: all of it waits on the phone.
    context.set_offline(True)
    page.get_by_test_id("field-submit").click()
    waiting(page, 7)  # the inspection, two problems, four photos
    expect(page.get_by_test_id("field-net")).to_have_text("离线")
    expect(page.get_by_test_id("field-bundle")).to_have_count(1)
    expect(page.get_by_test_id("field-queue-note")).to_contain_text("不会丢失")
    assert not Inspection.objects.exists()
    shot(page, "field-phone-offline")

    # The signal comes back, and drops again while the first photo uploads: the server stored it, the phone never heard.
    drop, cut = cut_after_server_saved(context)
    page.route(PHOTOS, drop)
    context.set_offline(False)
    waiting(page, 4)
    expect(page.get_by_test_id("field-net")).to_have_text("离线")
    assert cut["done"]
    assert Inspection.objects.count() == 1 and Problem.objects.count() == 2 and Evidence.objects.count() == 1

    # Still no way through to the server: a reload loses nothing.
    page.route(FIELD_API, lambda route: route.abort("internetdisconnected"))
    context.set_offline(False)
    page.reload()
    waiting(page, 4)
    expect(page.get_by_test_id("field-outbox-photo").and_(page.locator("[data-state=queued]"))).to_have_count(4)
    expect(page.get_by_test_id("field-outbox-problem").and_(page.locator("[data-state=done]"))).to_have_count(2)
    expect(page.get_by_test_id("field-bundle")).to_contain_text("党务公开栏内容未更新")
    expect(page.get_by_test_id("field-queue-note")).to_contain_text("秒后自动重试")

    # The way is clear again: the queue finishes on its own (the retry of the cut photo stores nothing new).
    page.unroute(FIELD_API)
    page.unroute(PHOTOS)
    page.get_by_test_id("field-send-now").click()
    waiting(page, 0)
    expect(page.get_by_test_id("field-confirmed")).to_have_text("已确认 7 项")
    expect(page.get_by_test_id("field-bundle")).to_contain_text("全部已由服务器确认")
    shot(page, "field-phone-confirmed")
    assert stored_pictures(page) == 0  # confirmed photos no longer take the phone's space

    inspection = Inspection.objects.get()
    assert inspection.notes == "查看村容村貌，与村“两委”座谈。" and inspection.created_by == sup.supervisor
    assert {v.display_name for v in inspection.villages.all()} == {"西辛庄村", "庆南村"}
    p1, p2 = Problem.objects.order_by("org_unit__code")  # 庆南村 (…201) before 西辛庄村 (…205)
    assert (p1.description, p1.severity, p1.photos.count()) == ("党务公开栏内容未更新", "serious", 2)
    assert (p2.description, p2.severity, p2.rule_code, p2.star_code) == ("村口垃圾堆放未清运", "general", chosen_rule, "stjy")
    assert p2.deadline.isoformat() == deadline and p2.inspection == inspection and p1.inspection == inspection
    assert inspection.photos.count() == 1 and p2.photos.count() == 1
    assert Evidence.objects.count() == 4  # each photo once, the cut one included
    sizes = sorted(Image.open(io.BytesIO(e.file.read())).size for e in Evidence.objects.all())
    assert sizes[-1] == (1600, 1200)  # the 2400×1800 picture was downscaled on the phone


def test_the_page_opens_with_no_signal_from_the_phones_copy(field, tmp_path, live_server, shot):
    """After one visit with a signal, the page opens offline (service worker copy) and still shows what waits."""
    sup, context, page = field
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null")
    page.get_by_label("西辛庄村").check()
    page.get_by_label("督导情况").fill("无信号时记录")
    page.get_by_label("拍摄现场照片").set_input_files(jpeg(tmp_path / "a.jpg", (90, 30, 160)))
    expect(page.locator("#fs-insp-photos .fs-field-photo")).to_have_count(1)
    context.set_offline(True)
    page.get_by_test_id("field-submit").click()
    waiting(page, 2)

    page.reload()  # no network at all: the page comes from the phone's copy, the records from IndexedDB
    expect(page.get_by_test_id("field-net")).to_have_text("离线")
    waiting(page, 2)
    expect(page.get_by_test_id("field-bundle")).to_contain_text("无信号时记录")
    expect(page.get_by_test_id("field-outbox-photo")).to_have_attribute("data-state", "queued")
    shot(page, "field-phone-offline-copy")
    assert not Inspection.objects.exists()

    context.set_offline(False)
    waiting(page, 0)
    expect(page.get_by_test_id("field-confirmed")).to_have_text("已确认 2 项")
    inspection = Inspection.objects.get()
    assert inspection.notes == "无信号时记录" and inspection.photos.count() == 1


def test_a_portal_page_or_a_gateway_error_is_retried_and_a_refusal_is_shown_with_its_reason(field, tmp_path):
    """A village Wi-Fi login page (200 HTML) or a 502 is not an answer: the queue tries again by itself. A refusal
    (the village left the team meanwhile) stops that record and what belongs to it, says why, and can be deleted."""
    sup, context, page = field
    page.get_by_label("庆南村").check()
    page.get_by_test_id("field-add-problem").click()
    fill_problem(page.get_by_test_id("field-problem").nth(0), "庆南村", "一般", "路灯不亮", [jpeg(tmp_path / "l.jpg", (5, 5, 90))])
    answers = [{"status": 200, "content_type": "text/html", "body": "<html>请先登录村委会 Wi-Fi</html>"},
               {"status": 502, "content_type": "text/html", "body": "<html>Bad Gateway</html>"}]
    seen = []

    def flaky(route):
        seen.append(route.request.url)
        if answers:
            route.fulfill(**answers.pop(0))
        else:
            route.continue_()

    page.route("**/api/v1/supervision/field/inspections", flaky)
    sup.team.villages.remove(sup.world.sibling)  # meanwhile the town gave 庆南村 to another team
    page.get_by_test_id("field-submit").click()
    refused = page.get_by_test_id("field-refusal")
    expect(refused).to_contain_text("该村（社区）不在本督导组的负责范围内")
    assert len(seen) == 3  # the portal page, the gateway error, then the server's answer
    expect(page.get_by_test_id("field-refused")).to_have_text("未能保存 1 项（见下方原因）")
    expect(page.get_by_test_id("field-outbox-problem")).to_have_attribute("data-state", "blocked")
    waiting(page, 2)  # the problem and its photo wait for their inspection; nothing was sent for them
    assert not Inspection.objects.exists() and not Problem.objects.exists()
    page.once("dialog", lambda dialog: dialog.accept())
    refused.get_by_role("button", name="删除此项").click()
    waiting(page, 0)
    expect(page.get_by_test_id("field-bundle")).to_have_count(0)
    expect(page.get_by_test_id("field-refused")).to_be_hidden()
